import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, ipcContract, type ChannelName, type IpcResult } from '../../../electron/common/ipc-contract.js';
import { DEFAULT_SETTINGS } from '../../../electron/common/settings-schema.js';
import { createIpcDispatcher, type IpcHandlerMap } from '../../../electron/main/ipc/dispatch.js';
import { UnshakeError } from '../../../model/src/errors.js';

const IMAGE_ID = 'img_0123456789abcdef';
const JOB_ID = 'job_0123456789abcdef';
const BATCH_ID = 'batch_0123456789abcdef';

const metadata = {
  format: 'jpeg', width: 640, height: 480, orientation: 1, bitDepth: 8, channels: 3, space: 'srgb', hasAlpha: false,
  iccProfileName: null, camera: null, lens: null, exposure: null, takenAt: null, fileSizeBytes: 1234,
} as const;

/** Handlers that answer within the contract and record what they were given (already parsed). */
function recordingHandlers(seen: unknown[]): IpcHandlerMap {
  const record = <T>(value: T) => async (request: unknown) => {
    seen.push(request);
    return value;
  };
  return {
    appInfo: record({ name: 'Unshake', version: '0.1.0', platform: 'linux', engine: { runtime: 'ort', version: '1', graphics: [] }, executionProvider: null }),
    openImage: record({ imageId: IMAGE_ID, path: '/p/a.jpg', fileName: 'a.jpg', metadata, previewUrl: `unshake-image://preview/${IMAGE_ID}`, previewWidth: 640, previewHeight: 480 }),
    imageStatus: record({ problem: { code: 'FILE_CHANGED' as const, message: 'a.jpg changed on disk since it was opened: open it again.' } }),
    deblur: record({ jobId: JOB_ID }),
    batch: record({ runId: 'batch_1', items: [{ jobId: JOB_ID, input: '/p/a.jpg', output: '/p/a-unshaken.jpg' }], alreadyDone: [], subfoldersLeftOut: 0, leftOut: [] }),
    batchRuns: record([]),
    interruptedBatches: record([{ runId: BATCH_ID, title: 'Holiday', paths: ['/photos'], strength: 1, modelId: 'base', photos: 120, done: 47, cancelled: 0, startedAt: 1 }]),
    resumeBatch: record({ runId: BATCH_ID, items: [], alreadyDone: [], subfoldersLeftOut: 0, leftOut: [], paths: ['/photos'] }),
    dismissBatch: record({ dismissed: true as const }),
    journalNotice: record({ notice: null }),
    cancelBatch: record({ cancelled: 2 }),
    editorJobs: record({ deblurs: [], current: null }),
    editorShowing: record({}),
    missingSaves: record({ paths: [] }),
    jobStatus: record({ id: JOB_ID, kind: 'deblur' as const, state: { status: 'queued' as const }, createdAt: 1, updatedAt: 1 }),
    cancelJob: record({ cancelled: true }),
    save: record({ path: '/p/a-unshaken.jpg', bytes: 10 }),
    saveAs: record({ saved: null }),
    trainStart: record({ jobId: JOB_ID, runId: 'street-shots' }),
    trainResume: record({ jobId: JOB_ID, runId: 'street-shots' }),
    trainingRuns: record({ interrupted: [], underWay: [], stopped: [] }),
    discardTrainingRun: record({ discarded: true as const }),
    listModels: record({ models: [], unusable: [] }),
    importModel: record({ imported: null }),
    showModelsFolder: record({ folder: '/home/me/.config/unshake/models' }),
    takeOpenRequests: record([]),
    removeModel: record({ removed: true as const }),
    renameModel: record({ from: 'pairs', to: 'Street shots' }),
    getSettings: record(DEFAULT_SETTINGS),
    setSettings: record(DEFAULT_SETTINGS),
    settingsNotice: record({ notice: null }),
  };
}

const VALID: Record<ChannelName, unknown> = {
  appInfo: {},
  openImage: { path: '/photos/a.jpg' },
  imageStatus: { imageId: IMAGE_ID },
  deblur: { imageId: IMAGE_ID, strength: 0.5, modelId: 'base', mask: { shapes: [{ kind: 'rect', x: 0, y: 0, width: 10, height: 10 }] } },
  batch: { paths: ['/photos'], strength: 1, modelId: 'base', again: 'batch_1' },
  batchRuns: {},
  interruptedBatches: {},
  resumeBatch: { runId: BATCH_ID },
  dismissBatch: { runId: BATCH_ID },
  journalNotice: {},
  cancelBatch: { runId: BATCH_ID },
  editorJobs: {},
  editorShowing: { imageId: IMAGE_ID },
  missingSaves: {},
  jobStatus: { jobId: JOB_ID },
  cancelJob: { jobId: JOB_ID },
  save: { jobId: JOB_ID, format: 'png' },
  saveAs: { jobId: JOB_ID, strength: 0.8 },
  trainStart: { baseModelId: 'base', source: 'pairs', folder: '/photos/pairs', name: 'Street shots', steps: 200, settings: { crop: 128 } },
  trainResume: { runId: 'street-shots' },
  trainingRuns: {},
  discardTrainingRun: { runId: 'street-shots' },
  listModels: {},
  takeOpenRequests: {},
  removeModel: { modelId: 'street-shots' },
  renameModel: { modelId: 'street-shots', name: 'Street shots' },
  importModel: {},
  showModelsFolder: {},
  getSettings: {},
  setSettings: { jpegQuality: 90 },
  settingsNotice: {},
};

const INVALID: [ChannelName, string, unknown][] = [
  ...CHANNEL_NAMES.map((name): [ChannelName, string, unknown] => [name, 'an extra key', { ...(VALID[name] as object), injected: true }]),
  ...CHANNEL_NAMES.map((name): [ChannelName, string, unknown] => [name, 'a non-object payload', 'hello']),
  ...CHANNEL_NAMES.map((name): [ChannelName, string, unknown] => [name, 'null', null]),
  ['openImage', 'an empty path', { path: '' }],
  ['batch', 'no paths', { paths: [], strength: 1, modelId: 'base' }],
  // Where results go is main's choice (the settings), never a folder the page names.
  ['batch', 'an output folder', { paths: ['/photos'], strength: 1, modelId: 'base', outDir: '/home/u/.config/x' }],
  ['openImage', 'a numeric path', { path: 42 }],
  // An interrupted batch is named by main's id, never by its paths.
  ['resumeBatch', 'a path as batch id', { runId: '/photos' }],
  ['dismissBatch', 'a job id as batch id', { runId: JOB_ID }],
  ['cancelBatch', 'a job id as batch id', { runId: JOB_ID }],
  ['deblur', 'a path as image id', { imageId: '../../etc/passwd', strength: 1, modelId: 'base' }],
  ['deblur', 'an uppercase image id', { imageId: 'img_ABCDEF123456', strength: 1, modelId: 'base' }],
  ['deblur', 'a string strength', { imageId: IMAGE_ID, strength: '1', modelId: 'base' }],
  ['deblur', 'strength above 1', { imageId: IMAGE_ID, strength: 2, modelId: 'base' }],
  ['deblur', 'a bad mask shape', { imageId: IMAGE_ID, strength: 1, modelId: 'base', mask: { shapes: [{ kind: 'star' }] } }],
  ['jobStatus', 'an image id as job id', { jobId: IMAGE_ID }],
  ['imageStatus', 'a path as image id', { imageId: '/photos/a.jpg' }],
  ['cancelJob', 'a missing job id', {}],
  ['save', 'an unknown format', { jobId: JOB_ID, format: 'bmp' }],
  ['save', 'quality 0', { jobId: JOB_ID, quality: 0 }],
  // Save writes next to the original only: a page cannot name (or replace) a file of its choosing.
  ['save', 'a path', { jobId: JOB_ID, path: '/home/me/.bashrc' }],
  // Which saves are gone: main looks only at files it wrote, never at a path the page names.
  ['missingSaves', 'a path', { path: '/home/me/.ssh/id_rsa' }],
  ['save', 'overwrite', { jobId: JOB_ID, overwrite: true }],
  ['saveAs', 'a path (only the system dialog names one)', { jobId: JOB_ID, path: '/etc/passwd' }],
  ['setSettings', 'a suffix with a slash', { outputSuffix: '../x' }],
  // Every path field: one rule (path-schema.ts), so a NUL or a relative name is a bad request, not a file error.
  ['openImage', 'a NUL in the path', { path: '/photos/a.jpg\0.png' }],
  ['openImage', 'a relative path', { path: 'photos/a.jpg' }],
  ['batch', 'a NUL in a path', { paths: ['/photos', '/photos/a.jpg\0.png'], strength: 1, modelId: 'base' }],
  ['trainStart', 'a NUL in the folder', { ...(VALID.trainStart as object), folder: '/photos/\0x' }],
  ['trainResume', 'a NUL in the folder', { runId: 'street-shots', folder: '/photos/\0x' }],
  ['setSettings', 'a path as the model at start', { defaultModelId: '../../etc/passwd' }],
  ['setSettings', 'an unknown setting', { theme: 'dark' }],
];

describe('IPC dispatcher', () => {
  it.each(CHANNEL_NAMES)('accepts a valid %s request by wire name and by key', async (name) => {
    const seen: unknown[] = [];
    const dispatch = createIpcDispatcher(recordingHandlers(seen));
    for (const channel of [ipcContract[name].channel, name]) {
      const result = await dispatch(channel, VALID[name]);
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
    expect(seen).toHaveLength(2);
  });

  it('passes the parsed request (with schema defaults) to the handler', async () => {
    const seen: unknown[] = [];
    const mask = { shapes: [{ kind: 'rect', x: 0, y: 0, width: 10, height: 10 }] };
    await createIpcDispatcher(recordingHandlers(seen))('job:deblur', { imageId: IMAGE_ID, strength: 1, modelId: 'base', mask });
    expect(seen[0]).toEqual({ imageId: IMAGE_ID, strength: 1, modelId: 'base', mask: { ...mask, feather: 0, invert: false } });
  });

  it.each(INVALID)('rejects %s with %s as INVALID_REQUEST, without calling the handler', async (name, _label, payload) => {
    const seen: unknown[] = [];
    const result = await createIpcDispatcher(recordingHandlers(seen))(ipcContract[name].channel, payload);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_REQUEST');
    expect(result.error.message).toContain(ipcContract[name].channel);
    expect(seen).toHaveLength(0);
  });

  it('says what is wrong with a path, and takes Windows drive and network-share paths', async () => {
    const dispatch = createIpcDispatcher(recordingHandlers([]));
    expect(await dispatch('image:open', { path: '/photos/a.jpg\0.png' })).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'Invalid image:open request: path: A path cannot hold a NUL character.' },
    });
    for (const windows of ['C:\\Users\\me\\a.jpg', 'D:/photos/a.jpg', '\\\\nas\\photos\\a.jpg']) {
      expect((await dispatch('image:open', { path: windows })).ok, windows).toBe(true);
    }
  });

  it('names the offending field in the message', async () => {
    const result = await createIpcDispatcher(recordingHandlers([]))('job:deblur', { imageId: IMAGE_ID, strength: 3, modelId: 'base' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(!result.ok && result.error.message).toMatch(/strength/);
  });

  it.each([['no:such-channel'], ['__proto__'], ['constructor'], ['']])('answers unknown channel %j with INVALID_REQUEST', async (channel) => {
    const result = await createIpcDispatcher(recordingHandlers([]))(channel, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('passes an UnshakeError code through, and turns other throws into INTERNAL', async () => {
    const handlers = recordingHandlers([]);
    handlers.jobStatus = async () => {
      throw new UnshakeError('JOB_NOT_FOUND', 'There is no such job.');
    };
    handlers.cancelJob = async () => {
      throw new TypeError('x is undefined');
    };
    const dispatch = createIpcDispatcher(handlers);
    expect(await dispatch('job:status', { jobId: JOB_ID })).toEqual({ ok: false, error: { code: 'JOB_NOT_FOUND', message: 'There is no such job.' } });
    const internal = await dispatch('job:cancel', { jobId: JOB_ID });
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('answers INTERNAL when a handler breaks the response contract', async () => {
    const handlers = recordingHandlers([]);
    handlers.deblur = async () => ({ jobId: 'not-a-job-id' });
    const result: IpcResult<unknown> = await createIpcDispatcher(handlers)('job:deblur', VALID.deblur);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('never rejects, even for a handler that rejects with a non-Error', async () => {
    const handlers = recordingHandlers([]);
    handlers.listModels = () => Promise.reject('plain string');
    const result = await createIpcDispatcher(handlers)('models:list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
