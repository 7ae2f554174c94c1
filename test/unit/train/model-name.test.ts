import { describe, expect, it } from 'vitest';
import { modelManifestSchema } from '../../../model/src/models/manifest.js';
import { datedId, slug } from '../../../model/src/train/model-name.js';

describe('the id of a fine-tuned model, from the name typed with --out', () => {
  it('keeps ASCII letters and digits, drops accents, and leaves nothing of a name in another script', () => {
    expect(slug('My Camera')).toBe('my-camera');
    expect(slug('Café Élan ')).toBe('cafe-elan');
    expect(slug('Summer 日本')).toBe('summer');
    expect(slug('日本の夏 2024')).toBe('2024');
    expect(slug('日本の夏')).toBe('');
    for (const name of ['My Camera', 'Café Élan ', 'Summer 日本', 'x'.repeat(80) + '!']) {
      expect(modelManifestSchema.shape.id.safeParse(slug(name)).success, name).toBe(true);
    }
  });

  it('falls back to the dated id, which is a valid id', () => {
    const id = datedId('unshake-base', new Date('2026-12-07T10:00:00Z'));
    expect(id).toBe('unshake-base-finetuned-2026-12-07');
    expect(modelManifestSchema.shape.id.safeParse(id).success).toBe(true);
  });
});
