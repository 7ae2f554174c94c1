import { describe, expect, it } from 'vitest';
import type { JobSnapshot, JobState } from '../../../electron/common/index.js';
import { batchSecondsLeft, timeLeftText } from '../../../renderer/src/lib/batch-eta.js';

const job = (state: JobState, updatedAt: number, createdAt = 0): JobSnapshot => ({ id: `job_${updatedAt}`, kind: 'batch-item', state, createdAt, updatedAt });

describe('how long a batch has left', () => {
  it('the time per photo so far, times the photos left less the running one’s done part', () => {
    // Two photos ended in 60 s (30 s each); one half done, two waiting: 2.5 × 30 s.
    const left = batchSecondsLeft([
      job({ status: 'done' }, 30_000),
      job({ status: 'failed', error: { code: 'CORRUPT_IMAGE', message: 'x' } }, 60_000),
      job({ status: 'running', progress: { stage: 'Tile 2 of 4', fraction: 0.5 } }, 70_000),
      job({ status: 'queued' }, 0),
      job({ status: 'queued' }, 0),
    ]);
    expect(left).toBeCloseTo(75, 6);
  });

  it('says nothing before a photo has ended, or once none is left', () => {
    expect(batchSecondsLeft([job({ status: 'running', progress: { stage: '', fraction: 0.9 } }, 5_000), job({ status: 'queued' }, 0)])).toBeNull();
    expect(batchSecondsLeft([job({ status: 'done' }, 5_000), job({ status: 'cancelled' }, 6_000)])).toBeNull();
    expect(batchSecondsLeft([undefined])).toBeNull();
  });

  it('in words with no false precision', () => {
    expect(timeLeftText(20)).toBe('Less than a minute left');
    expect(timeLeftText(75)).toBe('About 1 min left');
    expect(timeLeftText(29 * 60)).toBe('About 29 min left');
    expect(timeLeftText(3 * 3600 + 20 * 60)).toBe('About 3 h 20 min left');
  });
});
