import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handedOverPath } from '../../../electron/common/folder-path.js';
import { createGrantedPaths } from '../../../electron/main/services/granted-paths.js';

const root = path.resolve('/photos');
const at = (...parts: string[]) => path.join(root, ...parts);

describe('granted paths: only what the user handed over may be named', () => {
  it('a dropped file grants itself, not its folder or a sibling', () => {
    const granted = createGrantedPaths();
    granted.grant(at('trip', 'a.jpg'));
    expect(granted.require(at('trip', 'a.jpg'), 'photo')).toBe(at('trip', 'a.jpg'));
    expect(() => granted.require(at('trip', 'b.jpg'), 'photo')).toThrow(expect.objectContaining({ code: 'FORBIDDEN_PATH' }));
    expect(() => granted.require(at('trip'), 'folder')).toThrow(expect.objectContaining({ code: 'FORBIDDEN_PATH' }));
  });

  it('a folder grants what is inside it, at any depth, but not a folder whose name starts the same', () => {
    const granted = createGrantedPaths();
    granted.grant(at('trip'));
    expect(granted.require(at('trip', 'day 2', 'b.jpg'), 'photo')).toBe(at('trip', 'day 2', 'b.jpg'));
    expect(granted.require(`${at('trip')}${path.sep}`, 'folder')).toBe(`${at('trip')}${path.sep}`);
    expect(() => granted.require(at('trip-2', 'c.jpg'), 'photo')).toThrow(expect.objectContaining({ code: 'FORBIDDEN_PATH' }));
    expect(() => granted.require(`${at('trip')}${path.sep}..${path.sep}secret.jpg`, 'photo')).toThrow(expect.objectContaining({ code: 'FORBIDDEN_PATH' }));
    // A name that merely starts with two dots is inside.
    expect(granted.require(at('trip', '..notes.jpg'), 'photo')).toBe(at('trip', '..notes.jpg'));
  });

  it('nothing is granted at first; a relative path is refused as such', () => {
    const granted = createGrantedPaths();
    expect(() => granted.require(at('a.jpg'), 'photo')).toThrow(/was not handed to Unshake: drop it on the window/);
    granted.grant('relative/folder');
    expect(() => granted.require('relative/folder/a.jpg', 'photo')).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  it('a file from a folder picker hands over the chosen folder; a dropped file, itself', () => {
    expect(handedOverPath(at('Trip', 'blur', '1.jpg'), 'Trip/blur/1.jpg')).toBe(at('Trip'));
    expect(handedOverPath(at('Trip', '1.jpg'), '')).toBe(at('Trip', '1.jpg'));
  });
});
