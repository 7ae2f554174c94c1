import { describe, expect, it } from 'vitest';
import { mkdirFailure } from '../../../model/src/train/write-failure.js';

/**
 * Node's recursive mkdir answers ENOENT whatever stopped it: the nearest existing folder above is
 * probed with a real file to say why. /sys stands for a folder no one may write, root included,
 * though access(W_OK) answers yes to root there.
 */
describe('mkdirFailure', () => {
  it('names the refusal of the nearest existing folder, not a missing folder, also for root', async () => {
    const enoent = Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    const error = await mkdirFailure(enoent, '/sys/unshake-models/run', 'make the folder for the run’s checkpoints');
    expect(error).toMatchObject({
      code: 'WRITE_FAILED',
      message: 'Could not make the folder for the run’s checkpoints in /sys/unshake-models/run: you are not allowed to write there: change its permissions or choose another folder.',
    });
  });
});
