import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type SettingsPatch } from '../../../electron/common/settings-schema.js';
import { batchRunRecordSchema } from '../../../electron/main/jobs/job-journal.js';
import { createConfSettingsStore } from '../../../electron/main/settings/conf-settings.js';
import { UnshakeError } from '../../../model/src/errors.js';

const freshDir = () => mkdtempSync(path.join(os.tmpdir(), 'unshake-settings-'));

describe('conf settings store', () => {
  it('starts from the defaults', () => {
    expect(createConfSettingsStore(freshDir()).get()).toEqual(DEFAULT_SETTINGS);
  });

  it('merges a patch, persists it, and a new store reads it back', () => {
    const dir = freshDir();
    const next = createConfSettingsStore(dir).set({ jpegQuality: 80, outputSuffix: '-sharp' });
    expect(next).toEqual({ ...DEFAULT_SETTINGS, jpegQuality: 80, outputSuffix: '-sharp' });
    expect(createConfSettingsStore(dir).get()).toEqual(next);
    expect(JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toMatchObject({ jpegQuality: 80 });
  });

  it.each<[string, unknown]>([
    ['quality 0', { jpegQuality: 0 }],
    ['a suffix with a path separator', { outputSuffix: 'a/b' }],
    ['a suffix with a NUL', { outputSuffix: '-a\u0000b' }],
    ['a suffix with a line break', { outputSuffix: '-a\nb' }],
    ['an unknown key', { theme: 'dark' }],
    ['a suffix of spaces only', { outputSuffix: ' ' }],
    ['a fraction of a megapixel', { maxMegapixels: 0.0001 }],
    ['megapixels past the panel’s 2000', { maxMegapixels: 2001 }],
  ])('refuses %s with INVALID_REQUEST and keeps the old value', (_label, patch) => {
    const store = createConfSettingsStore(freshDir());
    let error: unknown;
    try {
      store.set(patch as SettingsPatch);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnshakeError);
    expect((error as UnshakeError).code).toBe('INVALID_REQUEST');
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('reads an unparsable settings file as the defaults, keeping the broken file aside', () => {
    const dir = freshDir();
    const cut = '{"outputFormat":"png","jpegQuality":80,"outputSuffix":"-sh';
    writeFileSync(path.join(dir, 'settings.json'), cut);
    const store = createConfSettingsStore(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(store.set({ jpegQuality: 70 }).jpegQuality).toBe(70);
    // The user's choices are still on disk to recover: the defaults did not overwrite them.
    const aside = readdirSync(dir).filter((n) => /^settings\.corrupt-.+\.json$/.test(n));
    expect(aside).toHaveLength(1);
    expect(readFileSync(path.join(dir, aside[0]!), 'utf8')).toBe(cut);
  });

  it('keeps valid fields of a hand-edited file and defaults the broken ones', () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ jpegQuality: 'high', defaultStrength: 0.4, outputSuffix: '../x', junk: 1 }));
    expect(createConfSettingsStore(dir).get()).toEqual({ ...DEFAULT_SETTINGS, defaultStrength: 0.4 });
  });

  it('one-key shortcuts are on in a file from before the setting, stay off once turned off, and older records still read', () => {
    const dir = freshDir();
    const { singleKeyShortcuts: _left, ...before } = DEFAULT_SETTINGS;
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...before, jpegQuality: 80 }));
    expect(createConfSettingsStore(dir).get()).toEqual({ ...DEFAULT_SETTINGS, jpegQuality: 80, singleKeyShortcuts: true });
    expect(createConfSettingsStore(dir).set({ singleKeyShortcuts: false }).singleKeyShortcuts).toBe(false);
    expect(createConfSettingsStore(dir).get()).toMatchObject({ jpegQuality: 80, singleKeyShortcuts: false });
    // A batch journaled by an earlier version recorded its settings without it: still read, the default filled in on resume.
    expect(batchRunRecordSchema.shape.settings.safeParse(before).success).toBe(true);
  });

  it('defaults hand-edited values the Output panel would not allow', () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ maxMegapixels: 0.0001, outputSuffix: ' ', jpegQuality: 80 }));
    expect(createConfSettingsStore(dir).get()).toEqual({ ...DEFAULT_SETTINGS, jpegQuality: 80 });
  });
});
