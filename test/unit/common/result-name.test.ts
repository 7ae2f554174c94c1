import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ResultFormat } from '../../../electron/common/result-name.js';
import type { JobResult } from '../../../electron/main/services/context.js';
import { defaultSavePath } from '../../../electron/main/services/save.js';
import { defaultOutputPath } from '../../../model/src/image/output-path.js';
import { findResult, planBatch } from '../../../model/src/image/batch-results.js';
import { defaultSaveName } from '../../../renderer/src/lib/job-text.js';
import { useTempDir } from '../../fixtures/make-images.js';

/**
 * One rule names a result, whoever writes it: the app's Save, the app's and the CLI's batch, the
 * CLI's single photo (deblurFile's default), and the renderer's prediction of Save's name. A
 * result in its photo's own type keeps the camera's spelling; another type gets the standard one.
 */
const tempDir = useTempDir('unshake-result-name-');

const TABLE: Array<[photo: string, photoFormat: string, written: ResultFormat | 'same', expected: string]> = [
  ['IMG_0001.JPG', 'jpeg', 'jpeg', 'IMG_0001-unshaken.JPG'],
  ['IMG_0001.JPG', 'jpeg', 'same', 'IMG_0001-unshaken.JPG'],
  ['IMG_0001.JPG', 'jpeg', 'png', 'IMG_0001-unshaken.png'],
  ['IMG_0001.JPG', 'jpeg', 'tiff', 'IMG_0001-unshaken.tif'],
  ['IMG_0001.JPG', 'jpeg', 'webp', 'IMG_0001-unshaken.webp'],
  ['S.TIFF', 'tiff', 'tiff', 'S-unshaken.TIFF'],
  ['S.TIFF', 'tiff', 'jpeg', 'S-unshaken.jpg'],
  ['scan.tiff', 'tiff', 'same', 'scan-unshaken.tiff'],
  ['x.jpeg', 'jpeg', 'jpeg', 'x-unshaken.jpeg'],
  ['x.jpeg', 'jpeg', 'webp', 'x-unshaken.webp'],
  ['lion.jpg', 'jpeg', 'jpeg', 'lion-unshaken.jpg'],
  ['lion.jpg', 'jpeg', 'tiff', 'lion-unshaken.tif'],
  ['Flower.PNG', 'png', 'png', 'Flower-unshaken.PNG'],
  ['anim.gif', 'gif', 'same', 'anim-unshaken.png'],
  ['phone.HEIC', 'heif', 'jpeg', 'phone-unshaken.jpg'],
  ['two.dots.webp', 'webp', 'same', 'two.dots-unshaken.webp'],
];

describe('a result’s default name', () => {
  it('is the same for Save, the batch, the CLI and the renderer’s prediction', () => {
    const folder = path.join(tempDir(), 'empty');
    for (const [photo, photoFormat, written, expected] of TABLE) {
      const source = path.join(folder, photo);
      const format = written === 'same' ? undefined : written;
      // Save resolves "same" to what the photo is, as the save service does.
      const saveFormat = format ?? (photoFormat === 'gif' ? 'png' : (photoFormat as ResultFormat));
      const names = {
        save: path.basename(defaultSavePath({ sourcePath: source } as JobResult, saveFormat, '-unshaken')),
        predicted: defaultSaveName(photo, photoFormat, { outputFormat: written, outputSuffix: '-unshaken' }),
        batch: path.basename(planBatch([source], format ? { format } : {})[0]!.output),
        cli: path.basename(defaultOutputPath(source, undefined, format)),
      };
      expect(names, `${photo} as ${written}`).toEqual({ save: expected, predicted: expected, batch: expected, cli: expected });
    }
  });

  it('is numbered past a file that differs from it only in case (an older batch’s IMG_1-unshaken.jpg)', async () => {
    const folder = path.join(tempDir(), 'older');
    await mkdir(folder);
    await writeFile(path.join(folder, 'IMG_1.JPG'), 'photo');
    await writeFile(path.join(folder, 'IMG_1-unshaken.jpg'), 'an older batch’s result');
    expect(path.basename(defaultOutputPath(path.join(folder, 'IMG_1.JPG'), undefined, 'jpeg'))).toBe('IMG_1-unshaken-2.JPG');
    // Two photos of one batch whose results would differ only in case get a number too.
    const plan = planBatch([path.join(folder, 'A.JPG'), path.join(folder, 'A.png')], { format: 'jpeg' });
    expect(plan.map((item) => path.basename(item.output))).toEqual(['A-unshaken.JPG', 'A-unshaken-2.jpg']);
  });

  it('still finds results an older version wrote under the lowercase extension, so a rerun does not redo them', async () => {
    const folder = path.join(tempDir(), 'rerun');
    await mkdir(folder);
    const photo = path.join(folder, 'IMG_2.JPG');
    await sharp({ create: { width: 16, height: 12, channels: 3, background: '#a52' } }).jpeg().toFile(photo);
    // A result that says nothing of its photo counts under the plain name, as before.
    const older = path.join(folder, 'IMG_2-unshaken.jpg');
    await sharp({ create: { width: 16, height: 12, channels: 3, background: '#000' } }).jpeg().toFile(older);
    const [item] = planBatch([photo], { format: 'jpeg' });
    expect(path.basename(item!.output)).toBe('IMG_2-unshaken.JPG');
    expect(await findResult(item!, { format: 'jpeg' })).toEqual({ done: older });
  });
});
