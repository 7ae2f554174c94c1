import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobSnapshot, JobState, ModelInfo, OutputFormat } from '../../../electron/common/index.js';
import type { JobResult } from '../../../electron/main/services/context.js';
import { defaultSavePath } from '../../../electron/main/services/save.js';
import { resolveOutputFormat } from '../../../model/src/image/formats.js';
import { announceJob, baseName, defaultSaveName, describeJob, savedName } from '../../../renderer/src/lib/job-text.js';
import { modelLabelFor } from '../../../renderer/src/lib/model-label.js';

const model = (id: string, name: string, placeholder = false): ModelInfo => ({ id, name, placeholder, description: '', parameters: 1, source: 'bundled', sizeMultiple: 4 });
const MODELS = [
  model('base', 'Base model — Unshake base (Improved-DeblurGAN, CPU-trained)'),
  model('unshake-base', 'Unshake base (Improved-DeblurGAN, CPU-trained)'),
  model('placeholder', 'Placeholder', true),
  model('tiny', 'Tiny (test weights)', true),
];

const job = (state: JobState): JobSnapshot => ({ id: 'job_abcdefgh', kind: 'deblur', state, createdAt: 0, updatedAt: 0 });

describe('job cards: what each result was made with', () => {
  it('names the model short, as the picker does', () => {
    expect(modelLabelFor('unshake-base', MODELS)).toBe('Unshake base');
    expect(modelLabelFor('base', MODELS)).toBe('Base model — Unshake base');
    expect(modelLabelFor('tiny', MODELS)).toBe('Tiny (placeholder)');
    // A model removed since (or not listed yet) still says which it was.
    expect(modelLabelFor('gone', MODELS)).toBe('gone');
    expect(modelLabelFor('gone', MODELS, true)).toBe('gone (removed)');
  });
});

describe('what a queued deblur says it waits for', () => {
  const queued = job({ status: 'queued' });
  it('names the photo being deblurred, else what kind of job it is', () => {
    expect(describeJob(queued, { kind: 'deblur', fileName: 'big.jpg' })).toBe('Waiting for big.jpg to finish…');
    expect(describeJob(queued, { kind: 'batch-item', fileName: undefined })).toBe('Waiting for a batch photo to finish…');
    expect(describeJob(queued, { kind: 'deblur', fileName: undefined })).toBe('Waiting for another deblur to finish…');
    // Nothing runs yet: the engine is about to start it.
    expect(describeJob(queued)).toBe('Waiting to start…');
  });
});

describe('a done deblur whose result main no longer keeps', () => {
  it('says so on its card, with what to do, instead of Done', () => {
    expect(describeJob(job({ status: 'done' }))).toBe('Done');
    expect(describeJob(job({ status: 'done', resultRemoved: true }))).toBe('Result no longer kept: deblur the photo again to save it');
    // Its file deleted or cut short outside the app, found when it was read (result-read.ts).
    expect(describeJob(job({ status: 'done', resultRemoved: true, resultLost: true }))).toBe('Result file removed or cut short: deblur the photo again');
  });
});

describe('what screen readers hear about a job', () => {
  it('one sentence per state, the same all through a running job', () => {
    const progress = (fraction: number): JobState => ({ status: 'running', progress: { stage: `Tile ${Math.ceil(fraction * 10)} of 10`, fraction } });
    const said = [job({ status: 'queued' }), job(progress(0.1)), job(progress(0.9))].map((snapshot) => announceJob(snapshot, 'lion.jpg', null));
    expect(new Set(said)).toEqual(new Set(['Deblur started: lion.jpg']));
    expect(announceJob(job({ status: 'done' }), 'lion.jpg', null)).toBe('Deblur done: lion.jpg');
    expect(announceJob(job({ status: 'done' }), 'lion.jpg', 'lion-unshaken.jpg')).toBe('Saved as lion-unshaken.jpg');
    expect(announceJob(job({ status: 'cancelled' }), 'lion.jpg', null)).toBe('Deblur cancelled');
    // The error banner (an alert) reads the reason; this only says that it failed.
    expect(announceJob(job({ status: 'failed', error: { code: 'INFERENCE_FAILED', message: 'boom' } }), 'lion.jpg', null)).toBe('Deblur failed');
  });

  it('names a saved file by its last path part, either separator', () => {
    expect(baseName('/home/ann/lion-unshaken.jpg')).toBe('lion-unshaken.jpg');
    expect(baseName('C:\\Users\\ann\\lion-unshaken.jpg')).toBe('lion-unshaken.jpg');
  });
});

describe('the Save tooltip names the file main will write', () => {
  /** What main's save service picks for a job of this photo (save.ts), where no file is in the way yet. */
  function mainWouldWrite(fileName: string, sourceFormat: string, outputFormat: OutputFormat, suffix: string): string {
    const source = path.join('/no-such-folder-unshake', fileName);
    return path.basename(defaultSavePath({ sourcePath: source } as JobResult, resolveOutputFormat(sourceFormat, outputFormat), suffix));
  }

  const CASES: Array<[fileName: string, sourceFormat: string]> = [
    ['lion.jpg', 'jpeg'],
    ['IMG_1.JPEG', 'jpeg'],
    ['scan.tif', 'tiff'],
    ['flower.png', 'png'],
    ['anim.gif', 'gif'],
    ['phone.heic', 'heif'],
    ['renamed.jpg', 'png'],
    ['no-extension', 'jpeg'],
    ['two.dots.webp', 'webp'],
  ];
  const FORMATS: OutputFormat[] = ['same', 'jpeg', 'png', 'tiff', 'webp'];

  it('agrees with main for every output format setting', () => {
    for (const [fileName, sourceFormat] of CASES) {
      for (const outputFormat of FORMATS) {
        const expected = mainWouldWrite(fileName, sourceFormat, outputFormat, '-unshaken');
        expect(defaultSaveName(fileName, sourceFormat, { outputFormat, outputSuffix: '-unshaken' }), `${fileName} as ${outputFormat}`).toBe(expected);
      }
    }
    expect(defaultSaveName('lion.jpg', 'jpeg', { outputFormat: 'same', outputSuffix: ' (sharp)' })).toBe('lion (sharp).jpg');
  });
});

describe('the status bar names a save, with its folder when it is not the original’s', () => {
  it.each([
    ['/photos/Trip/a-unshaken.jpg', '/photos/Trip/a.jpg', 'a-unshaken.jpg'],
    ['/photos/Trip/For print/a.png', '/photos/Trip/a.jpg', 'a.png in For print'],
    ['C:\\Export\\a.tif', 'C:\\Photos\\a.jpg', 'a.tif in Export'],
    ['/a.png', '/photos/a.jpg', 'a.png in /'],
  ])('%s (original %s) → %s', (saved, original, said) => {
    expect(savedName(saved, original)).toBe(said);
  });
});

