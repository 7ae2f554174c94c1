import { describe, expect, it } from 'vitest';
import { printable } from '../../../model/src/cli/terminal-text.js';

describe('manifest text printed on a terminal', () => {
  it('removes whole escape sequences (CSI, OSC up to BEL or ST, two-byte, 8-bit C1) and other control characters', () => {
    expect(printable('a\u001b[2Jb\u001b[38;5;196mc\u001b[0m')).toBe('abc');
    expect(printable('x\u001b]0;title\u0007y\u001b]8;;http://e.x\u001b\\z')).toBe('xyz');
    expect(printable('p\u001bcq\u001b(Br\u009b2Js\u009d0;t\u009cu')).toBe('pqrsu');
    expect(printable('a\u0000b\u0008c\u007fd\u0085e')).toBe('abcd e');
  });

  it('makes line breaks spaces, so a description cannot print a line of its own; an error message keeps its lines', () => {
    expect(printable('one\nerror [X]: fake\r\ttwo\u2028three')).toBe('one error [X]: fake two three');
    expect(printable('first\r\nusage: \u001b[1mnpm\u001b[0m\ttab', { multiline: true })).toBe('first\nusage: npm tab');
    expect(printable('Night (tripod) — «ß» 夜')).toBe('Night (tripod) — «ß» 夜');
  });
});
