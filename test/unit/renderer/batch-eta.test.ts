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
  it('the mean running time of its photos deblurred after the first, times the photos left less the running one’s done part', () => {
    const left = batchSecondsLeft([
      // A cut-short file fails at once, before the engine starts: it sets no pace.
      job({ status: 'failed', error: { code: 'CORRUPT_IMAGE', message: 'x' } }, { startedAt: 0, updatedAt: 5 }),
      // The first deblurred carried the engine's start-up: not the batch's pace.
      job(done, { startedAt: 5, updatedAt: 7_000 }),
      job(done, { startedAt: 7_000, updatedAt: 27_000 }),
      // A deblur of the editor's ran 30 s between these two: not counted.
      job(done, { startedAt: 57_000, updatedAt: 97_000 }),
      job({ status: 'failed', error: { code: 'CORRUPT_IMAGE', message: 'x' } }, { startedAt: 97_000, updatedAt: 97_010 }),
      job({ status: 'running', progress: { stage: 'Tile 2 of 4', fraction: 0.5 } }, { startedAt: 97_010, updatedAt: 100_000 }),
      job(queued, { updatedAt: 0 }),
      job(queued, { updatedAt: 0 }),
    ]);
    // (20 s + 40 s) / 2 = 30 s a photo, 2.5 photos left.
    expect(left).toBeCloseTo(75, 6);
  });

  it('damaged files first: quick failures neither set the pace nor make the photos left cheaper', async () => {
    // The reviewer's folder: 8 zero-byte files (A_0.jpg…, sorted first) then 24 photos of
    // 2000 px at 15 s each, the first with the engine's 7 s start-up; it took about 370 s.
    let clock = 0;
    const jobs = createJobManager({ now: () => clock });
    const photo = (ms: number, fails = false) => async () => {
      await Promise.resolve();
      clock += ms;
      if (fails) throw new Error('A_0.jpg is empty');
    };
    const ids = [
      ...Array.from({ length: 8 }, () => jobs.enqueue('batch-item', photo(3, true)).id),
      ...Array.from({ length: 24 }, (_, i) => jobs.enqueue('batch-item', photo(i === 0 ? 22_000 : 15_000)).id),
    ];
    const seen: { ended: number; truth: number; text: string | null; left: number | null }[] = [];
    let endedAt = 0;
    await new Promise<void>((resolve) =>
      jobs.onUpdate((update) => {
        if (update.kind !== 'batch-item' || (update.state.status !== 'done' && update.state.status !== 'failed')) return;
        const snapshots = ids.map((id) => jobs.get(id));
        const ended = snapshots.filter((s) => s?.state.status === 'done' || s?.state.status === 'failed').length;
        const open = ids.length - ended;
        seen.push({ ended, truth: open * 15, text: batchTimeText(snapshots, []), left: batchSecondsLeft(snapshots) });
        if (open === 0) {
          endedAt = clock;
          resolve();
        }
      }),
    );
    expect(endedAt).toBeCloseTo(8 * 3 + 22_000 + 23 * 15_000, -1);
    // Nothing is said from eight failures and one photo with the start-up…
    expect(seen.filter((s) => s.ended <= 9).map((s) => s.text)).toEqual(Array(9).fill(null));
    // …then, with 22 photos of 15 s left, 5.5 min: the truth, not the "About 1 min" it said.
    expect(seen.find((s) => s.ended === 10)!.text).toBe('About 6 min left');
    for (const s of seen.filter((s) => s.ended >= 10 && s.left !== null)) expect(s.left).toBeCloseTo(s.truth, 6);
    expect(seen.find((s) => s.ended === 25)!.text).toBe('About 2 min left');
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
