import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sharedData } from './cli-run.js';

/**
 * A batch's log names the photo that failed so it can be found: two cards' folders each hold an
 * IMG_0100.jpg, one of them cut short; the log tells them apart by folder and ends with the
 * failures, whole paths and why, before its counts.
 */
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-batch-failures-'));
  for (const card of ['A', 'B']) await mkdir(path.join(dir, card));
  const photo = (name: string, file: string) => sharp(sharedData('photos-extra', 'Kodak24', `${name}.png`)).resize(200).jpeg({ quality: 90 }).toFile(file);
  await photo('kodim01', path.join(dir, 'A', 'IMG_0100.jpg'));
  await photo('kodim02', path.join(dir, 'B', 'IMG_0101.jpg'));
  const whole = await readFile(path.join(dir, 'B', 'IMG_0101.jpg'));
  await writeFile(path.join(dir, 'B', 'IMG_0100.jpg'), whole.subarray(0, whole.length / 3));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the failures of a CLI batch', () => {
  it('a photo that shares its name with another is named with its folder, and the failures are listed at the end', async () => {
    const r = await runCli(['deblur', path.join(dir, 'A'), path.join(dir, 'B'), '--out-dir', path.join(dir, 'out'), '--model', 'placeholder']);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('['))).toEqual([
      expect.stringMatching(/^\[1\/3\] A\/IMG_0100\.jpg: wrote .*IMG_0100-unshaken\.jpg in /),
      expect.stringMatching(/^\[2\/3\] B\/IMG_0100\.jpg: failed \[CORRUPT_IMAGE\] IMG_0100\.jpg could not be decoded/),
      expect.stringMatching(/^\[3\/3\] IMG_0101\.jpg: wrote /),
    ]);
    expect(lines.slice(-3)).toEqual([
      'failed (1):',
      expect.stringMatching(new RegExp(`^  ${path.join(dir, 'B', 'IMG_0100.jpg').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\[CORRUPT_IMAGE\\] IMG_0100\\.jpg could not be decoded[^\\n]*$`)),
      'batch: 2 done, 1 failed, 0 already done (of 3)',
    ]);
  });

  it('a batch with no failure ends with its counts alone', async () => {
    const r = await runCli(['deblur', path.join(dir, 'A'), '--out-dir', path.join(dir, 'out-a'), '--model', 'placeholder']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('failed (');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('batch: 1 done, 0 failed, 0 already done (of 1)');
  });
});
