import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, ipcContract, ipcResultSchema } from '../../../electron/common/ipc-contract.js';
import { MAX_SELECTION_POINTS, regionMaskSchema } from '../../../electron/common/mask.js';
import { DEFAULT_SETTINGS, settingsPatchSchema, settingsSchema } from '../../../electron/common/settings-schema.js';

const IMAGE_ID = 'img_abc123def456';
const JOB_ID = 'job_abc123def456';

describe('IPC contract', () => {
  it('has a unique wire name for every channel', () => {
    const wireNames = CHANNEL_NAMES.map((name) => ipcContract[name].channel);
    expect(new Set(wireNames).size).toBe(CHANNEL_NAMES.length);
    expect(CHANNEL_NAMES).toEqual(
      expect.arrayContaining(['appInfo', 'openImage', 'deblur', 'jobStatus', 'cancelJob', 'save', 'listModels', 'getSettings', 'setSettings']),
    );
  });

  it('marks only the channels that start jobs (deblur, batch and its resume, training) as streaming progress', () => {
    expect(CHANNEL_NAMES.filter((name) => ipcContract[name].progress)).toEqual(['deblur', 'batch', 'resumeBatch', 'trainStart', 'trainResume']);
  });

  it.each([
    ['an empty name', { baseModelId: 'base', source: 'pairs', folder: '/p', name: '   ', steps: 10 }],
    ['zero steps', { baseModelId: 'base', source: 'pairs', folder: '/p', name: 'x', steps: 0 }],
    ['an unknown source', { baseModelId: 'base', source: 'video', folder: '/p', name: 'x', steps: 10 }],
    ['an unknown advanced setting', { baseModelId: 'base', source: 'pairs', folder: '/p', name: 'x', steps: 10, settings: { lr: 1 } }],
    // The critic halves a crop three times: 36 px would start a run the trainer refuses.
    ['a crop the trainer refuses', { baseModelId: 'base', source: 'pairs', folder: '/p', name: 'x', steps: 10, settings: { crop: 36 } }],
    ['a crop below the critic’s smallest', { baseModelId: 'base', source: 'pairs', folder: '/p', name: 'x', steps: 10, settings: { crop: 16 } }],
    ['a file as the base model', { baseModelId: '/home/me/model.onnx', source: 'pairs', folder: '/p', name: 'x', steps: 10 }],
    ['a share as the base model', { baseModelId: '\\\\host\\share\\m.onnx', source: 'pairs', folder: '/p', name: 'x', steps: 10 }],
    ['a base model id that climbs out of the library', { baseModelId: '../base', source: 'pairs', folder: '/p', name: 'x', steps: 10 }],
    // The Rename rule: the new model's name is shown on the same one-line cards and menus.
    ['a name on two lines', { baseModelId: 'base', source: 'pairs', folder: '/p', name: 'a\nb', steps: 10 }],
    ['a name with a bell and 150 more characters', { baseModelId: 'base', source: 'pairs', folder: '/p', name: `Trip\n\u0007${'x'.repeat(150)}`, steps: 10 }],
    ['a name of 101 characters', { baseModelId: 'base', source: 'pairs', folder: '/p', name: 'x'.repeat(101), steps: 10 }],
    ['a name with a direction override', { baseModelId: 'base', source: 'pairs', folder: '/p', name: 'Evil\u202Egpj.exe', steps: 10 }],
  ])('rejects a training request with %s', (_label, payload) => {
    expect(ipcContract.trainStart.request.safeParse(payload).success).toBe(false);
  });

  it('takes only model-id-shaped run ids (no paths) for resume and discard', () => {
    expect(ipcContract.trainResume.request.safeParse({ runId: 'street-shots' }).success).toBe(true);
    expect(ipcContract.trainResume.request.safeParse({ runId: '../../etc' }).success).toBe(false);
    expect(ipcContract.discardTrainingRun.request.safeParse({ runId: 'a/b' }).success).toBe(false);
  });

  it('accepts a well-formed deblur request with a feathered region', () => {
    const parsed = ipcContract.deblur.request.parse({
      imageId: IMAGE_ID,
      strength: 0.75,
      modelId: 'base',
      mask: { shapes: [{ kind: 'rect', x: 10, y: 20, width: 300, height: 200 }], feather: 12 },
    });
    expect(parsed.mask?.invert).toBe(false);
    expect(parsed.mask?.feather).toBe(12);
  });

  it.each([
    ['strength above 1', { imageId: IMAGE_ID, strength: 1.5, modelId: 'base' }],
    ['negative strength', { imageId: IMAGE_ID, strength: -0.1, modelId: 'base' }],
    ['a path instead of an image id', { imageId: '/etc/passwd', strength: 1, modelId: 'base' }],
    ['an unknown extra key', { imageId: IMAGE_ID, strength: 1, modelId: 'base', exec: 'rm -rf' }],
    ['a missing model id', { imageId: IMAGE_ID, strength: 1 }],
    ['an empty mask', { imageId: IMAGE_ID, strength: 1, modelId: 'base', mask: { shapes: [] } }],
  ])('rejects a deblur request with %s', (_label, payload) => {
    expect(ipcContract.deblur.request.safeParse(payload).success).toBe(false);
  });

  it('rejects an openImage request without a path or with a non-string path', () => {
    expect(ipcContract.openImage.request.safeParse({}).success).toBe(false);
    expect(ipcContract.openImage.request.safeParse({ path: 42 }).success).toBe(false);
    expect(ipcContract.openImage.request.safeParse({ path: '' }).success).toBe(false);
    expect(ipcContract.openImage.request.safeParse({ path: '/photos/a.jpg' }).success).toBe(true);
  });

  it('takes the screen’s long edge with an openImage request only as a positive whole number of pixels', () => {
    expect(ipcContract.openImage.request.safeParse({ path: '/photos/a.jpg', screenEdge: 3840 }).success).toBe(true);
    for (const screenEdge of [0, -1, 2048.5, 1e9, '3840']) {
      expect(ipcContract.openImage.request.safeParse({ path: '/photos/a.jpg', screenEdge }).success).toBe(false);
    }
  });

  it('takes no path or overwrite for a save: Save writes next to the original, Save As… where main’s dialog says', () => {
    expect(ipcContract.save.request.parse({ jobId: JOB_ID })).toEqual({ jobId: JOB_ID });
    expect(ipcContract.save.request.safeParse({ jobId: JOB_ID, path: '/home/me/notes.txt' }).success).toBe(false);
    expect(ipcContract.save.request.safeParse({ jobId: JOB_ID, overwrite: true }).success).toBe(false);
    expect(ipcContract.saveAs.request.safeParse({ jobId: JOB_ID, path: '/home/me/notes.txt' }).success).toBe(false);
    expect(ipcContract.save.request.safeParse({ jobId: JOB_ID, format: 'bmp' }).success).toBe(false);
    expect(ipcContract.save.request.safeParse({ jobId: JOB_ID, quality: 0 }).success).toBe(false);
  });

  it('wraps responses in a Result with a known error code', () => {
    const schema = ipcResultSchema(ipcContract.cancelJob.response);
    expect(schema.safeParse({ ok: true, value: { cancelled: true } }).success).toBe(true);
    expect(schema.safeParse({ ok: false, error: { code: 'JOB_NOT_FOUND', message: 'No such job.' } }).success).toBe(true);
    expect(schema.safeParse({ ok: false, error: { code: 'E_WHATEVER', message: 'x' } }).success).toBe(false);
  });
});

describe('region masks', () => {
  it('accepts every shape kind and defaults brush strokes to painting', () => {
    const mask = regionMaskSchema.parse({
      shapes: [
        { kind: 'ellipse', cx: 5, cy: 5, rx: 3, ry: 2 },
        { kind: 'polygon', points: [[0, 0], [10, 0], [5, 8]] },
        { kind: 'brush', points: [[1, 1], [4, 4]], radius: 6 },
      ],
    });
    const brush = mask.shapes[2];
    expect(brush?.kind === 'brush' && brush.erase).toBe(false);
  });

  it('bounds the points of all shapes together, not only of each', () => {
    const outline = (n: number) => ({ kind: 'polygon', points: Array.from({ length: n }, (_, i) => [i % 97, i % 89]) });
    const quarter = outline(MAX_SELECTION_POINTS / 4);
    expect(regionMaskSchema.safeParse({ shapes: [quarter, quarter, quarter, quarter] }).success).toBe(true);
    const over = regionMaskSchema.safeParse({ shapes: [quarter, quarter, quarter, quarter, outline(3)] });
    expect(over.error?.issues).toMatchObject([{ path: ['shapes'], message: expect.stringMatching(/^A selection may have at most 40,000 outline points in all its shapes together; this one has 40,003\./) }]);
    // Whatever else is wrong is said as before.
    expect(regionMaskSchema.safeParse({ shapes: 'all' }).error?.issues[0]).toMatchObject({ path: ['shapes'], code: 'invalid_type' });
    expect(regionMaskSchema.safeParse(null).success).toBe(false);
  });

  it('rejects degenerate shapes', () => {
    expect(regionMaskSchema.safeParse({ shapes: [{ kind: 'polygon', points: [[0, 0], [1, 1]] }] }).success).toBe(false);
    expect(regionMaskSchema.safeParse({ shapes: [{ kind: 'rect', x: 0, y: 0, width: 0, height: 5 }] }).success).toBe(false);
    expect(regionMaskSchema.safeParse({ shapes: [{ kind: 'ellipse', cx: Number.NaN, cy: 0, rx: 1, ry: 1 }] }).success).toBe(false);
  });
});

describe('settings schema', () => {
  it('validates the defaults', () => {
    expect(settingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps a patch partial: an empty patch changes nothing', () => {
    expect(settingsPatchSchema.parse({})).toEqual({});
    expect(settingsPatchSchema.parse({ jpegQuality: 90 })).toEqual({ jpegQuality: 90 });
  });

  it('rejects unsafe suffixes and out-of-range values', () => {
    expect(settingsPatchSchema.safeParse({ outputSuffix: '../evil' }).success).toBe(false);
    // A number alone is how cameras and Unshake itself number files: a batch would take
    // IMG_0001-2.jpg for IMG_0001.jpg's result and deblur neither. A dot first doubles the
    // extension; a space at an end is not seen in a file name.
    for (const suffix of ['-2', '_1', '(3)', '7', '.jpg', ' -x', '-x ']) expect(settingsPatchSchema.safeParse({ outputSuffix: suffix }).success, suffix).toBe(false);
    for (const suffix of ['-unshaken', '_sharp', '-v2', 'sharp', '-ünšhäkèn📷']) expect(settingsPatchSchema.safeParse({ outputSuffix: suffix }).success, suffix).toBe(true);
    expect(settingsPatchSchema.safeParse({ jpegQuality: 101 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ unknownKey: 1 }).success).toBe(false);
  });

  it('takes only a model id as the model at start, never a path', () => {
    for (const id of ['../../x', '../../etc/passwd', '/home/me/model.onnx', 'Base', '']) expect(settingsPatchSchema.safeParse({ defaultModelId: id }).success, id).toBe(false);
    for (const id of ['base', 'street-shots', 'pairs_2.1']) expect(settingsPatchSchema.safeParse({ defaultModelId: id }).success, id).toBe(true);
  });
});
