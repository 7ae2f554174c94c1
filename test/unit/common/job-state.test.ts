import { describe, expect, expectTypeOf, it } from 'vitest';
import { ipcContract, type PreloadApi, type UnshakeApi } from '../../../electron/common/ipc-contract.js';
import { jobResultPreviewSchema, jobSnapshotSchema, jobStateSchema } from '../../../electron/common/job-state.js';
import { resultPreviewUrl } from '../../../electron/main/images/image-protocol.js';

const JOB_ID = 'job_abc123def456';
const RESULT = { previewUrl: resultPreviewUrl(JOB_ID), width: 2048, height: 1536 };
const snapshot = (state: unknown) => ({ id: JOB_ID, kind: 'deblur', state, createdAt: 1, updatedAt: 2 });

describe('job result on the done state', () => {
  it('accepts a done job with or without a result, and keeps the result', () => {
    expect(jobStateSchema.parse({ status: 'done', result: RESULT })).toEqual({ status: 'done', result: RESULT });
    expect(jobStateSchema.parse({ status: 'done' })).toEqual({ status: 'done' });
    // jobStatus replies go through this schema in main's dispatcher: the result must survive it.
    expect(ipcContract.jobStatus.response.parse(snapshot({ status: 'done', result: RESULT })).state).toEqual({ status: 'done', result: RESULT });
  });

  it('accepts the URL main builds for a result preview', () => {
    expect(jobResultPreviewSchema.safeParse(RESULT).success).toBe(true);
  });

  it.each([
    ['a file:// URL', { ...RESULT, previewUrl: 'file:///home/me/photo.png' }],
    ['a plain path', { ...RESULT, previewUrl: '/tmp/results/job_abc123def456.png' }],
    ['an opened image preview instead of a result', { ...RESULT, previewUrl: 'unshake-image://preview/img_abc123def456' }],
    ['a traversal after the id', { ...RESULT, previewUrl: `${RESULT.previewUrl}/../../etc/passwd` }],
    ['a zero width', { ...RESULT, width: 0 }],
    ['a fractional height', { ...RESULT, height: 10.5 }],
    ['a missing size', { previewUrl: RESULT.previewUrl }],
    ['an extra key', { ...RESULT, path: '/tmp/x.png' }],
  ])('rejects a result with %s', (_label, result) => {
    expect(jobResultPreviewSchema.safeParse(result).success).toBe(false);
    expect(jobSnapshotSchema.safeParse(snapshot({ status: 'done', result })).success).toBe(false);
  });

  it('never lets a state other than done carry a result', () => {
    for (const state of [{ status: 'queued' }, { status: 'cancelled' }, { status: 'running', progress: { fraction: 0.5, stage: 'Tile 1 of 2' } }]) {
      expect(jobStateSchema.parse({ ...state, result: RESULT })).not.toHaveProperty('result');
    }
  });
});

describe('PreloadApi', () => {
  it('is the channel API plus pathForFile, over any file type with a name and a place in a picked folder', () => {
    expectTypeOf<PreloadApi>().toExtend<UnshakeApi>();
    expectTypeOf<PreloadApi['pathForFile']>().parameter(0).toEqualTypeOf<{ readonly name: string; readonly webkitRelativePath: string }>();
    expectTypeOf<PreloadApi<{ readonly name: string; readonly webkitRelativePath: string; size: number }>['pathForFile']>().returns.toEqualTypeOf<string>();
    // A runtime anchor so this block also fails if the contract module stops loading.
    expect(Object.keys(ipcContract)).toContain('jobStatus');
  });
});
