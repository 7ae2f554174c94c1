import { describe, expect, it } from 'vitest';
import { batchAnnouncement, stoppedText, type BatchCounts } from '../../../renderer/src/lib/batch-announce.js';

/** What a batch's status region says: its left-out notes with its start, photos the app stopped never "cancelled". */
const counts = (over: Partial<BatchCounts>): BatchCounts => ({
  photos: 4,
  alreadyDone: 0,
  done: 0,
  failed: 0,
  cancelled: 0,
  stopped: 0,
  stoppedWhy: [],
  open: 0,
  leftOut: [],
  notes: 0,
  ...over,
});

describe('batchAnnouncement', () => {
  it('says what the batch left out with its start', () => {
    const raws = '2 raw files are left out (DSC_0001.NEF, DSC_0002.NEF): Unshake does not develop raw files.';
    expect(batchAnnouncement('card', counts({ photos: 2, open: 2, leftOut: [raws] }))).toBe(`Batch card started: 2 photos to deblur. ${raws}`);
    expect(batchAnnouncement('card', counts({ photos: 0, alreadyDone: 1, leftOut: [raws] }))).toBe(`Batch card: nothing to deblur, 1 already done or under way. ${raws}`);
    // Said once: the end does not repeat them.
    expect(batchAnnouncement('card', counts({ photos: 2, done: 2, leftOut: [raws] }))).toBe('Batch card finished: 2 written, 0 failed');
  });

  it('photos the app stopped are "stopped", with why, and the batch "finished"', () => {
    const said = batchAnnouncement('card', counts({ done: 1, failed: 1, stopped: 2, stoppedWhy: ['folder-unwritable', 'folder-unwritable'] }));
    expect(said).toBe('Batch card finished: 1 written, 1 failed, 2 stopped (folder cannot be written)');
    expect(said).not.toMatch(/cancel|not done/);
    expect(stoppedText(3, ['disk-full', 'disk-full', 'disk-full'])).toBe('3 stopped (disk full)');
  });

  it('is "cancelled" only when the user cancelled photos', () => {
    expect(batchAnnouncement('card', counts({ done: 1, cancelled: 2, stopped: 1, stoppedWhy: ['model-unusable'] }))).toBe(
      'Batch card cancelled: 1 written, 0 failed, 2 not done, 1 stopped (model cannot be used)',
    );
  });

  it('counts the notes on the photos done at its end', () => {
    expect(batchAnnouncement('card', counts({ done: 4, notes: 1 }))).toBe('Batch card finished: 4 written, 0 failed, with 1 note on the photos done');
    expect(batchAnnouncement('card', counts({ done: 4, notes: 3 }))).toBe('Batch card finished: 4 written, 0 failed, with 3 notes on the photos done');
  });
});
