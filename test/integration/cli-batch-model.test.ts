import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { renameSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deblurBatch, loadBatchModel } from '../../model/src/cli/deblur-batch.js';
import { UnshakeError } from '../../model/src/errors.js';
import { releaseSessions } from '../../model/src/infer/session-manager.js';
import { installUserModel, runCli, sharedData } from './cli-run.js';

/**
 * A batch's model is a problem of the whole batch, not of each photo: found and loaded once
 * before the first photo, and one that goes away mid-batch stops it with one message.
 */
let dir = '';
const photos = () => path.join(dir, 'shoot');
const models = () => path.join(dir, 'models');

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-batch-model-'));
  await mkdir(photos());
  for (const name of ['kodim01', 'kodim02', 'kodim03', 'kodim04']) {
    await sharp(sharedData('photos-extra', 'Kodak24', `${name}.png`)).resize(96).jpeg({ quality: 90 }).toFile(path.join(photos(), `${name}.jpg`));
  }
  await installUserModel(models(), 'street');
  // Damaged where only loading it shows: its checksum matches bytes that are no ONNX model.
  await installUserModel(models(), 'broken');
  const junk = Buffer.from('not an onnx model');
  await writeFile(path.join(models(), 'broken', 'model.onnx'), junk);
  const manifest = path.join(models(), 'broken', 'broken.manifest.json');
  const fields = JSON.parse(await readFile(manifest, 'utf8')) as object;
  await writeFile(manifest, JSON.stringify({ ...fields, sha256: createHash('sha256').update(junk).digest('hex') }));
});
afterAll(async () => {
  await releaseSessions();
  await rm(dir, { recursive: true, force: true });
});

describe('the model of a batch', () => {
  it('a model that is not installed, or will not load, fails the command once, before any photo', async () => {
    for (const [model, code] of [['nope', 'MODEL_NOT_FOUND'], ['broken', 'MODEL_INVALID']] as const) {
      const out = path.join(dir, `out-${model}`);
      const r = await runCli(['deblur', photos(), '--model', model, '--models-dir', models(), '--out-dir', out, '--json']);
      expect(r.code, model).toBe(1);
      // One error line for the command, no line per photo, no JSON summary, nothing made.
      expect(r.stderr.match(/^error \[/gm), model).toEqual(['error [']);
      expect(r.stderr, model).toMatch(new RegExp(`^error \\[${code}\\]: .*${model}`, 'm'));
      expect(r.stderr, model).not.toMatch(/: failed \[|\[1\/4\]/);
      expect(r.stdout, model).toBe('');
      expect(existsSync(out), model).toBe(false);
    }
  });

  it('a model removed while the batch runs stops it with one message that says what was done and what to do', async () => {
    const out = path.join(dir, 'out-removed');
    await mkdir(out);
    const deblur = { modelId: 'street', userModelsDir: models(), preferredProvider: 'cpu' as const };
    await loadBatchModel(deblur);
    const log: string[] = [];
    const inputs = (await readdir(photos())).sort().map((name) => path.join(photos(), name));
    const run = deblurBatch(inputs, {
      outDir: out,
      deblur,
      log: (line) => {
        log.push(line);
        // Removed (as the app's Remove does: moved away) as soon as the first photo is written.
        if (/^\[1\/4\] .*: wrote /.test(line)) renameSync(path.join(models(), 'street'), path.join(dir, 'street-trashed'));
      },
    });
    const error = await run.then(() => null, (e: unknown) => e);
    expect(error, log.join('\n')).toBeInstanceOf(UnshakeError);
    expect((error as UnshakeError).code).toBe('MODEL_NOT_FOUND');
    expect((error as Error).message).toMatch(
      /^The model "street" could no longer be used while the batch ran — removed or changed meanwhile \(No model with id "street" is installed [^)]*\)\)\. 1 photo\(s\) done, 3 left: run the same command again to finish them, with --model naming another model if it is gone\.$/,
    );
    expect(log.filter((line) => /failed/.test(line))).toEqual([]);
    expect(await readdir(out)).toEqual(['kodim01-unshaken.jpg']);
    await rename(path.join(dir, 'street-trashed'), path.join(models(), 'street'));
  });
});
