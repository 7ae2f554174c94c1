import { describe, expect, it } from 'vitest';
import type { JobSnapshot, JobState } from '../../../electron/common/index.js';
import { createJobManager } from '../../../electron/main/jobs/job-manager.js';
import { batchSecondsLeft, batchTimeText, timeLeftText } from '../../../renderer/src/lib/batch-eta.js';

const job = (state: JobState, times: { createdAt?: number; startedAt?: number; updatedAt: number }): JobSnapshot => ({
  id: `job_${times.updatedAt}`,
  kind: 'batch-item',
  state,
  createdAt: times.createdAt ?? 0,
  updatedAt: times.updatedAt,
  ...(times.startedAt !== undefined ? { startedAt: times.startedAt } : {}),
});
const done: JobState = { status: 'done' };
const queued: JobState = { status: 'queued' };

describe('how long a batch has left', () => {
  it('the mean running time of its photos after the first, times the photos left less the running one’s done part', () => {
    const left = batchSecondsLeft([
      // The first to run carried the engine's start-up: not the batch's pace.
      job(done, { startedAt: 0, updatedAt: 7_000 }),
      job(done, { startedAt: 7_000, updatedAt: 27_000 }),
      // A deblur of the editor's ran 30 s between these two: not counted.
      job({ status: 'failed', error: { code: 'CORRUPT_IMAGE', message: 'x' } }, { startedAt: 57_000, updatedAt: 97_000 }),
      job({ status: 'running', progress: { stage: 'Tile 2 of 4', fraction: 0.5 } }, { startedAt: 97_000, updatedAt: 100_000 }),
      job(queued, { updatedAt: 0 }),
      job(queued, { updatedAt: 0 }),
    ]);
    // (20 s + 40 s) / 2 = 30 s a photo, 2.5 photos left.
    expect(left).toBeCloseTo(75, 6);
  });

  it('says nothing before a second photo has ended, or once none is left', () => {
    expect(batchSecondsLeft([job({ status: 'running', progress: { stage: '', fraction: 0.9 } }, { startedAt: 0, updatedAt: 5_000 }), job(queued, { updatedAt: 0 })])).toBeNull();
    expect(batchSecondsLeft([job(done, { startedAt: 0, updatedAt: 5_000 }), job(queued, { updatedAt: 0 })])).toBeNull();
    expect(batchSecondsLeft([job(done, { startedAt: 0, updatedAt: 5_000 }), job({ status: 'cancelled' }, { updatedAt: 6_000 })])).toBeNull();
    expect(batchSecondsLeft([undefined])).toBeNull();
  });

  it('two batches dropped one after the other, through the job manager: the second waits, then goes by its own pace', async () => {
    // The reviewer's wedding: ceremony (122 photos) then reception (114). The engine starts in
    // 7 s, a photo takes 0.5 s; an editor deblur of 30 s jumps ahead of the reception midway.
    let clock = 0;
    const jobs = createJobManager({ now: () => clock });
    const photo = (seconds: number) => async () => {
      await Promise.resolve();
      clock += seconds * 1000;
    };
    const ceremony = Array.from({ length: 122 }, (_, i) => jobs.enqueue('batch-item', photo(i === 0 ? 7 : 0.5)).id);
    clock += 1000;
    const reception = Array.from({ length: 114 }, () => jobs.enqueue('batch-item', photo(0.5)).id);
    const snapshots = (ids: string[]) => ids.map((id) => jobs.get(id));
    const texts = () => [batchTimeText(snapshots(ceremony), [snapshots(reception)]), batchTimeText(snapshots(reception), [snapshots(ceremony)])];
    const ended = (ids: string[]) => ids.filter((id) => jobs.get(id)?.state.status === 'done').length;
    const seen = new Map<string, (string | null)[]>();
    const finished = new Promise<void>((resolve) =>
      jobs.onUpdate((update) => {
        if (update.kind !== 'batch-item' || update.state.status !== 'done') return;
        const at = `${ended(ceremony)}+${ended(reception)}`;
        if (at === '122+114') resolve();
        if (at === '122+2') void jobs.enqueue('deblur', photo(30));
        seen.set(at, texts());
      }),
    );
    await finished;
    // One ceremony photo done (with the start-up): no estimate yet; the reception waits.
    expect(seen.get('1+0')).toEqual([null, 'Waiting for the batch ahead']);
    // 120 photos of 0.5 s left: a minute, for both.
    expect(seen.get('2+0')).toEqual(['About 1 min left', 'Waiting for the batch ahead (about 1 min left)']);
    expect(seen.get('122+1')).toEqual([null, null]);
    // 112 × 0.5 s; and still so after the editor's 30 s deblur ran between two photos.
    expect(seen.get('122+2')).toEqual([null, 'Less than a minute left']);
    expect(seen.get('122+14')![1]).toBe('Less than a minute left');
    // The estimates held: it all took 7 + 235 × 0.5 s of photos and the 30 s deblur.
    expect(clock).toBe(1_000 + 7_000 + 235 * 500 + 30_000);
  });

  it('a batch queued behind nothing but the editor’s deblur says so', () => {
    expect(batchTimeText([job(queued, { createdAt: 5, updatedAt: 5 })], [])).toBe('Waiting for the deblur under way');
    // Two batches ahead, one of them still waiting itself: how long is not known.
    const running = [job(done, { startedAt: 0, updatedAt: 1_000 }), job(done, { startedAt: 1_000, updatedAt: 2_000 }), job(queued, { createdAt: 0, updatedAt: 0 })];
    const waiting = [job(queued, { createdAt: 1, updatedAt: 1 })];
    expect(batchTimeText([job(queued, { createdAt: 2, updatedAt: 2 })], [running, waiting])).toBe('Waiting for the 2 batches ahead');
  });

  it('in words with no false precision', () => {
    expect(timeLeftText(20)).toBe('Less than a minute left');
    expect(timeLeftText(75)).toBe('About 1 min left');
    expect(timeLeftText(29 * 60)).toBe('About 29 min left');
    expect(timeLeftText(3 * 3600 + 20 * 60)).toBe('About 3 h 20 min left');
  });
});
