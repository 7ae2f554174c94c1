import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type OpenImageResult, type Settings } from '../../../electron/common/index.js';
import { savedAlready, savedAlreadyText, type JobNote, type SavedFile } from '../../../renderer/src/lib/job-notes.js';

// Only the photo's name and type matter to the check.
const image = { fileName: 'car.jpg', metadata: { format: 'jpeg' } } as unknown as OpenImageResult;
const saved = (name: string, strength = 70, via: SavedFile['via'] = 'save'): SavedFile => ({ path: `/photos/${name}`, bytes: 1, strength, quality: DEFAULT_SETTINGS.jpegQuality, via });
const note = (...saves: SavedFile[]): JobNote => ({ fileName: 'car.jpg', image, madeWith: { modelId: 'base', mask: undefined }, saves });
const settings = (patch: Partial<Settings> = {}): Settings => ({ ...DEFAULT_SETTINGS, outputSuffix: '-unshaken', ...patch });

describe('Save is greyed out only while it would write a file that is there already', () => {
  it('at the name Save gives now, numbered or not', () => {
    expect(savedAlready(note(saved('car-unshaken.jpg')), 70, settings())).toBe(true);
    expect(savedAlready(note(saved('car-unshaken-2.jpg')), 70, settings())).toBe(true);
    // Another result name ending is another file.
    expect(savedAlready(note(saved('car-unshaken.jpg')), 70, settings({ outputSuffix: '-sharp' }))).toBe(false);
    expect(savedAlready(note(saved('car-unshaken-x.jpg')), 70, settings())).toBe(false);
    expect(savedAlready(note(saved('car-unshaken.jpg')), 60, settings())).toBe(false);
    expect(savedAlready(note(saved('car-unshaken.jpg')), 70, settings({ outputFormat: 'png' }))).toBe(false);
  });

  it('not once a later save replaced that file at another strength, nor once it is gone', () => {
    expect(savedAlready(note(saved('car-unshaken.jpg'), saved('car-unshaken.jpg', 40, 'save-as')), 70, settings())).toBe(false);
    expect(savedAlready(note(saved('car-unshaken.jpg'), saved('elsewhere.jpg', 40, 'save-as')), 70, settings())).toBe(true);
    // Deleted or moved since (found when the window got the focus back).
    expect(savedAlready(note({ ...saved('car-unshaken.jpg'), gone: true }), 70, settings())).toBe(false);
  });
});

describe('on a JPEG photo better than the setting, a setting below its own quality writes the same file', () => {
  const q98 = { fileName: 'car.jpg', metadata: { format: 'jpeg', jpegQuality: 98 } } as unknown as OpenImageResult;
  const at = (quality: number): SavedFile => ({ ...saved('car-unshaken.jpg'), quality });
  const noteOf = (image: OpenImageResult, ...saves: SavedFile[]): JobNote => ({ ...note(...saves), image });

  it('saved at 80, the setting now 85 or 98: greyed out (both write quality 98); 99 or another format writes another file', () => {
    expect(savedAlready(noteOf(q98, at(80)), 70, settings({ jpegQuality: 85 }))).toBe(true);
    expect(savedAlready(noteOf(q98, at(80)), 70, settings({ jpegQuality: 98 }))).toBe(true);
    expect(savedAlready(noteOf(q98, at(80)), 70, settings({ jpegQuality: 99 }))).toBe(false);
    expect(savedAlready(noteOf(q98, at(80)), 70, settings({ jpegQuality: 85, outputFormat: 'webp' }))).toBe(false);
    // A photo whose own quality is unknown (or lower): the setting is what is written.
    expect(savedAlready(noteOf(image, at(80)), 70, settings({ jpegQuality: 85 }))).toBe(false);
  });
});

describe('why Save is greyed out, in words that fit the photo', () => {
  const q98 = { fileName: 'car.jpg', metadata: { format: 'jpeg', jpegQuality: 98 } } as unknown as OpenImageResult;

  it('a q98 JPEG with the setting below 98 keeps its own quality: changing the quality is not offered', () => {
    const why = savedAlreadyText(q98, settings({ jpegQuality: 90 }));
    expect(why).toContain('this JPEG keeps its own quality 98 at any setting below it');
    expect(why).not.toContain('change one of them');
  });

  it('otherwise (the setting at or above its quality, another format, a photo of lower quality) the quality is one thing to change', () => {
    for (const [photo, patch] of [[q98, { jpegQuality: 98 }], [q98, { jpegQuality: 90, outputFormat: 'webp' }], [image, { jpegQuality: 90 }]] as const)
      expect(savedAlreadyText(photo, settings(patch))).toContain('change one of them');
  });
});
