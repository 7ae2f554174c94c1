import { describe, expect, it } from 'vitest';
import { cleanModelName, MODEL_NAME_MAX, modelNameSchema } from '../../../electron/common/model-id.js';
import { newTrainingRunSchema } from '../../../electron/common/training.js';

const issue = (name: string) => modelNameSchema.safeParse(name).error?.issues[0]?.message;

describe('a model name', () => {
  it('is one line without direction controls: Rename and a new fine-tune refuse the rest in words', () => {
    expect(issue('a\nb')).toBe('A model name must be one line of text, without tabs or control characters.');
    expect(issue('a\u2028b')).toBe('A model name must be one line of text, without tabs or control characters.');
    // "Evil\u202Egpj.exe" reads "Evilexe.jpg" on screen.
    for (const control of ['\u202A', '\u202E', '\u2066', '\u2069']) {
      expect(issue(`Evil${control}gpj.exe`)).toBe('A model name cannot hold text-direction controls (they can make it read as something else).');
    }
    expect(issue('Été à Zürich — 日本の夏 🌅')).toBeUndefined();
    const run = { baseModelId: 'base', source: 'pairs', folder: '/p', steps: 10 } as const;
    expect(newTrainingRunSchema.safeParse({ ...run, name: 'x'.repeat(MODEL_NAME_MAX) }).success).toBe(true);
    expect(newTrainingRunSchema.safeParse({ ...run, name: 'x'.repeat(MODEL_NAME_MAX + 1) }).error?.issues[0]?.message).toBe('A model name can be at most 100 characters.');
  });

  it('from a manifest nobody checked is made one that Rename takes: one line, no direction controls, at most 100 characters', () => {
    expect(cleanModelName(`Evil\u202Egpj.exe\nsecond line\u0007${'A'.repeat(5000)}`)).toBe(`Evilgpj.exe second line ${'A'.repeat(75)}…`);
    expect(cleanModelName('  Street\tshots  ')).toBe('Street shots');
    expect(cleanModelName('\u202E\n')).toBe('');
    // Cut by code point: an emoji on the edge is left out whole, not halved.
    const emoji = cleanModelName(`${'x'.repeat(98)}🌅🌅`);
    expect(emoji).toBe(`${'x'.repeat(98)}…`);
    for (const raw of [`Evil\u202Egpj.exe\nsecond line\u0007${'A'.repeat(5000)}`, '  Street\tshots  ', `${'x'.repeat(98)}🌅🌅`, `${'🌅'.repeat(80)}`, `a${' '.repeat(200)}b`]) {
      expect(modelNameSchema.safeParse(cleanModelName(raw)).success, JSON.stringify(raw.slice(0, 30))).toBe(true);
    }
  });
});
