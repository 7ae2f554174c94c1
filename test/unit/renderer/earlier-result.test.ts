import { describe, expect, it } from 'vitest';
import type { JobSnapshot, JobState } from '../../../electron/common/index.js';
import { earlierResult } from '../../../renderer/src/lib/earlier-result.js';

const note = (imageId: string, shownBefore?: string) => ({ image: { imageId }, ...(shownBefore ? { shownBefore } : {}) });
const job = (id: string, createdAt: number, status: JobState['status']): JobSnapshot =>
  ({ id, kind: 'deblur', state: status === 'running' ? { status, progress: { fraction: 0.5 } } : { status }, createdAt, updatedAt: createdAt }) as JobSnapshot;

describe('the result a deblur that ended without one leaves on screen', () => {
  const jobs = {
    a1: job('a1', 1, 'done'),
    a2: job('a2', 2, 'done'),
    b1: job('b1', 3, 'done'),
    a3: job('a3', 4, 'cancelled'),
    a4: job('a4', 5, 'failed'),
    a5: job('a5', 6, 'done'),
  };

  it('the result that was on screen when it started', () => {
    const notes = { a1: note('a'), a2: note('a'), b1: note('b'), a3: note('a', 'a1'), a4: note('a'), a5: note('a') };
    expect(earlierResult('a3', notes, jobs)).toBe('a1');
  });

  it('else (a reloaded window) the photo’s newest result made before it, never another photo’s or a later one', () => {
    const notes = { a1: note('a'), a2: note('a'), b1: note('b'), a3: note('a'), a4: note('a'), a5: note('a') };
    expect(earlierResult('a3', notes, jobs)).toBe('a2');
    expect(earlierResult('a4', notes, jobs)).toBe('a2');
    expect(earlierResult('b1', { ...notes, b1: note('b') }, { ...jobs, b1: job('b1', 3, 'failed') })).toBeNull();
  });

  it('passes over a result on screen then that is no longer done, and a job it knows nothing of', () => {
    const notes = { a1: note('a'), a2: note('a'), a3: note('a', 'gone') };
    expect(earlierResult('a3', notes, jobs)).toBe('a2');
    expect(earlierResult('unknown', notes, jobs)).toBeNull();
  });

  it('passes over a result main no longer keeps (an older one of the photo): it cannot come back', () => {
    const notes = { a1: note('a'), a2: note('a'), a3: note('a', 'a2') };
    const removed = { ...jobs, a2: { ...jobs.a2, state: { status: 'done', resultRemoved: true } } as JobSnapshot };
    expect(earlierResult('a3', notes, removed)).toBe('a1');
  });
});
