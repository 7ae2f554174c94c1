import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_TILE_BYTES, tileBytes } from '../../../model/src/infer/tile-size.js';
import { minimumTileSize } from '../../../model/src/infer/tiler.js';
import { MAX_RECEPTIVE_FIELD_MARGIN, modelManifestSchema } from '../../../model/src/models/manifest.js';

const base = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../../model/weights/unshake-base.manifest.json'), 'utf8')) as { io: object };
const withIo = (io: object) => modelManifestSchema.safeParse({ ...base, io: { ...base.io, ...io } });
const firstIssue = (io: object) => {
  const r = withIo(io);
  return r.success ? null : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
};

describe('a manifest the engine could only misread is refused', () => {
  it('a range that is not increasing ([0, 0] made every photo black, [1, -1] inverts it)', () => {
    expect(firstIssue({ range: [0, 0] })).toBe('io.range: must be [low, high] with low below high, e.g. [-1, 1]');
    expect(firstIssue({ range: [1, -1] })).toBe('io.range: must be [low, high] with low below high, e.g. [-1, 1]');
    expect(withIo({ range: [0, 1] }).success).toBe(true);
  });

  it('a receptive-field margin whose smallest tile exceeds the memory cap for one tile (1000 ran a 6 MP photo untiled)', () => {
    expect(firstIssue({ receptiveFieldMargin: 1000 })).toMatch(/^io\.receptiveFieldMargin: must be at most 256 px: /);
    expect(withIo({ receptiveFieldMargin: MAX_RECEPTIVE_FIELD_MARGIN }).success).toBe(true);
    // The bound is the cap's: the largest allowed margin's smallest tile fits, with size multiples up to 32.
    expect(tileBytes(minimumTileSize(MAX_RECEPTIVE_FIELD_MARGIN, 32))).toBeLessThanOrEqual(MAX_TILE_BYTES);
    expect(tileBytes(minimumTileSize(300, 4))).toBeGreaterThan(MAX_TILE_BYTES);
  });
});
