import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../electron/common/settings-schema.js';
import { createConfSettingsStore } from '../../../electron/main/settings/conf-settings.js';
import { UnshakeError } from '../../../model/src/errors.js';

/** The settings file as people and other versions leave it, read by the real conf store. */
const freshDir = () => mkdtempSync(path.join(os.tmpdir(), 'unshake-settings-file-'));
const settingsFile = (dir: string) => path.join(dir, 'settings.json');
const setAside = (dir: string) => readdirSync(dir).filter((name) => /^settings\.corrupt-.+\.json$/.test(name));
const isRoot = process.getuid?.() === 0;

describe('a hand-edited settings file', () => {
  it.each([
    ['a UTF-8 BOM (older Windows Notepad)', '\uFEFF{ "jpegQuality": 80, "outputFormat": "png" }'],
    ['a // comment', '{\n  "jpegQuality": 80, // for print\n  "outputFormat": "png"\n}\n'],
    ['a /* comment */ and a trailing comma', '{\n  /* mine */ "jpegQuality": 80,\n  "outputFormat": "png",\n}\n'],
  ])('with %s keeps every setting, and nothing is set aside or told', (_label, text) => {
    const dir = freshDir();
    writeFileSync(settingsFile(dir), text);
    const store = createConfSettingsStore(dir);
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, jpegQuality: 80, outputFormat: 'png' });
    expect(setAside(dir)).toEqual([]);
    expect(store.takeNotice()).toBeNull();
    // A change is written as plain JSON, the hand-edited choices with it.
    store.set({ defaultStrength: 0.5 });
    expect(JSON.parse(readFileSync(settingsFile(dir), 'utf8'))).toEqual({ jpegQuality: 80, outputFormat: 'png', defaultStrength: 0.5 });
  });

  it.each(['null', '[1,2]', '"abc"', '42'])('holding %s (not settings) is set aside and told, like text that is not JSON', (text) => {
    const dir = freshDir();
    writeFileSync(settingsFile(dir), text);
    const store = createConfSettingsStore(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(setAside(dir)).toHaveLength(1);
    expect(store.takeNotice()?.message).toContain(path.join(dir, setAside(dir)[0]!));
  });

  it('that cannot be understood is kept aside and told once, naming where it was kept', () => {
    const dir = freshDir();
    writeFileSync(settingsFile(dir), '{"outputFormat":"png","jpegQuality":80,"outputSuffix":"-sh');
    const store = createConfSettingsStore(dir);
    const notice = store.takeNotice();
    expect(notice?.code).toBe('FILE_UNREADABLE');
    expect(notice?.message).toMatch(/could not understand its settings file .*started with the default settings\. Your file was kept as .*settings\.corrupt-.*\.json\. Settings you change now are saved/);
    expect(store.takeNotice()).toBeNull();
  });
});

describe('hand-edited values that cannot be used', () => {
  const handEdited = `{
  // mine
  "defaultStrength": 60,
  "outputFormat": "JPEG",
  "jpegQuality": "90",
  "maxMegapixels": 300.5,
  "preferredExecutionProvider": "cpu",
  "batchResults": "Unshaken",
  "singleKeyShortcuts": "false",
  "outputSuffix": "_sharp",
  "myNote": "keep me",
}`;

  it('are told once, each with the value found and the value in force; obvious spellings are read as meant', () => {
    const dir = freshDir();
    writeFileSync(settingsFile(dir), handEdited);
    const store = createConfSettingsStore(dir);
    // "false", "JPEG" and "90" mean what they say; 60 as a strength and "Unshaken" are not guessed at.
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, outputFormat: 'jpeg', jpegQuality: 90, preferredExecutionProvider: 'cpu', singleKeyShortcuts: false, outputSuffix: '_sharp' });
    const notice = store.takeNotice();
    expect(notice?.code).toBe('INVALID_REQUEST');
    expect(notice?.message).toContain(`Unshake could not use 3 settings in ${settingsFile(dir)}, so it uses their defaults:`);
    expect(notice?.message).toContain('Strength at start ("defaultStrength") is 60 there, but must be a number from 0 to 1 (0.6 is 60 %): 100 % is used.');
    expect(notice?.message).toContain('Largest photo (megapixels) ("maxMegapixels") is 300.5 there, but must be a whole number from 1 to 2000: 250 is used.');
    expect(notice?.message).toContain('Batch results ("batchResults") is "Unshaken" there, but must be "beside" or "subfolder": “Next to the photos” is used.');
    // Neither the values read as meant nor a key this version does not know are named.
    expect(notice?.message).not.toMatch(/jpegQuality|outputFormat|singleKeyShortcuts|myNote/);
    expect(store.takeNotice()).toBeNull();
  });

  it('stay in the file until that setting is changed in the app, and are told again at the next start until then', () => {
    const dir = freshDir();
    writeFileSync(settingsFile(dir), '{ "singleKeyShortcuts": "no", "jpegQuality": 300 }');
    createConfSettingsStore(dir).set({ jpegQuality: 80 });
    expect(JSON.parse(readFileSync(settingsFile(dir), 'utf8'))).toEqual({ singleKeyShortcuts: 'no', jpegQuality: 80 });
    const next = createConfSettingsStore(dir);
    expect(next.get().singleKeyShortcuts).toBe(true);
    expect(next.takeNotice()?.message).toBe(
      `Unshake could not use one setting in ${settingsFile(dir)}, so it uses its default: One-key shortcuts ("singleKeyShortcuts") is "no" there, but must be true or false: on is used. Set it again in Unshake, or correct the file while Unshake is closed; until then the file is left as it is.`,
    );
  });
});

describe('a hand-edited model at start', () => {
  it('that is no model id (a path) is not used, and is named with what it must be', () => {
    const dir = freshDir();
    writeFileSync(settingsFile(dir), '{ "defaultModelId": "../../etc/passwd", "jpegQuality": 80 }');
    const store = createConfSettingsStore(dir);
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, jpegQuality: 80 });
    expect(store.takeNotice()?.message).toContain(
      'Model at start ("defaultModelId") is "../../etc/passwd" there, but must be a model’s id (lower-case letters, digits, ".", "_" and "-"), such as "base": "base" is used.',
    );
  });
});

describe('hand-edited keys that are one of ours misspelled', () => {
  it('are named with the spelling Unshake knows and the value in force; other unknown keys (a newer version’s) are not', () => {
    const dir = freshDir();
    writeFileSync(settingsFile(dir), '{ "jpeg_quality": 80, "DefaultStrenght": 0.5, "outputformat": "png", "batchResult": "subfolder", "newFeature": true, "mode": 1, "outputSuffixes": ["-a"], "preferredExecutionProviders": ["cuda"] }');
    const store = createConfSettingsStore(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    const message = store.takeNotice()?.message;
    expect(message).toContain(`Unshake could not use 4 settings in ${settingsFile(dir)}, so it uses their defaults:`);
    // A letter dropped at the end is a slip too.
    expect(message).toContain('"batchResult" is not a setting Unshake knows; Batch results is spelled "batchResults": “Next to the photos” is used.');
    expect(message).toContain('"jpeg_quality" is not a setting Unshake knows; JPEG / WebP quality is spelled "jpegQuality": 95 is used.');
    expect(message).toContain('"DefaultStrenght" is not a setting Unshake knows; Strength at start is spelled "defaultStrength": 100 % is used.');
    expect(message).toContain('"outputformat" is not a setting Unshake knows; Save as is spelled "outputFormat": “Same” is used.');
    // A plural or a longer name is a newer version's setting, not a slip.
    expect(message).not.toMatch(/newFeature|"mode"|outputSuffixes|preferredExecutionProviders/);
  });

  it('are not named once the setting itself is in the file (set in the app since)', () => {
    const dir = freshDir();
    writeFileSync(settingsFile(dir), '{ "jpegquality": 80 }');
    createConfSettingsStore(dir).set({ jpegQuality: 80 });
    const next = createConfSettingsStore(dir);
    expect(next.get().jpegQuality).toBe(80);
    expect(next.takeNotice()).toBeNull();
  });
});

describe('a settings file that cannot be read', () => {
  it('a folder named settings.json: the app starts with the defaults in memory, says why and where, and leaves it', () => {
    const dir = freshDir();
    mkdirSync(settingsFile(dir));
    const store = createConfSettingsStore(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    // Changes work for this session, held in memory.
    expect(store.set({ jpegQuality: 70 }).jpegQuality).toBe(70);
    expect(store.get().jpegQuality).toBe(70);
    const notice = store.takeNotice();
    expect(notice?.message).toContain(settingsFile(dir));
    expect(notice?.message).toContain('it is a folder');
    expect(notice?.message).toContain('last only until Unshake closes');
    expect(notice?.message).not.toMatch(/reinstall/i);
    expect(statSync(settingsFile(dir)).isDirectory()).toBe(true);
    expect(setAside(dir)).toEqual([]);
  });

  // root reads any file: no EACCES to see there.
  it.skipIf(isRoot)('no permission to read it: the defaults in memory, told, the file untouched', () => {
    const dir = freshDir();
    writeFileSync(settingsFile(dir), JSON.stringify({ jpegQuality: 80 }));
    chmodSync(settingsFile(dir), 0o000);
    try {
      const store = createConfSettingsStore(dir);
      expect(store.get()).toEqual(DEFAULT_SETTINGS);
      store.set({ jpegQuality: 60 });
      expect(store.takeNotice()?.message).toContain('permission denied');
    } finally {
      chmodSync(settingsFile(dir), 0o600);
    }
    expect(JSON.parse(readFileSync(settingsFile(dir), 'utf8'))).toEqual({ jpegQuality: 80 });
  });

  it('that breaks while the app runs: the defaults are shown, and a change is refused rather than written over it', () => {
    const dir = freshDir();
    const store = createConfSettingsStore(dir);
    store.set({ jpegQuality: 80 });
    const broken = '{"jpegQuality": 8';
    writeFileSync(settingsFile(dir), broken);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(() => store.set({ outputFormat: 'png' })).toThrow(UnshakeError);
    expect(readFileSync(settingsFile(dir), 'utf8')).toBe(broken);
  });
});

describe('settings of a newer version', () => {
  it('keep their keys and values on a change here: only what was changed is replaced', () => {
    const dir = freshDir();
    const newer = { jpegQuality: 80, outputFormat: 'avif', maxMegapixels: 3000, newFeature: { on: true }, preferredExecutionProvider: 'gpu' };
    writeFileSync(settingsFile(dir), JSON.stringify(newer));
    const store = createConfSettingsStore(dir);
    // Not understood here: the defaults are in force for them, this version's own value kept.
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, jpegQuality: 80 });
    expect(store.set({ defaultStrength: 0.5 })).toEqual({ ...DEFAULT_SETTINGS, jpegQuality: 80, defaultStrength: 0.5 });
    expect(JSON.parse(readFileSync(settingsFile(dir), 'utf8'))).toEqual({ ...newer, defaultStrength: 0.5 });
    // A value this version sets replaces the newer one, as the user asked.
    store.set({ outputFormat: 'png' });
    expect(JSON.parse(readFileSync(settingsFile(dir), 'utf8'))).toEqual({ ...newer, defaultStrength: 0.5, outputFormat: 'png' });
  });
});
