import { describe, expect, it } from 'vitest';
import { UnshakeError } from '../../../model/src/errors.js';
import { isDiskFull } from '../../../model/src/image/disk-full.js';

describe('a write that failed for want of space', () => {
  it('is known by its cause’s code, by the engine’s words after a process boundary, or by the system’s', () => {
    const enospc = Object.assign(new Error('write failed'), { code: 'ENOSPC' });
    expect(isDiskFull(new UnshakeError('WRITE_FAILED', 'Could not write /p/a.jpg', { cause: enospc }))).toBe(true);
    // From the engine's process: the code and message only.
    expect(isDiskFull(new UnshakeError('WRITE_FAILED', 'Could not write /p/a.jpg: the disk is full: free some space or choose another disk.'))).toBe(true);
    expect(isDiskFull(new Error('VipsForeignSave: No space left on device'))).toBe(true);
    expect(isDiskFull(new UnshakeError('WRITE_FAILED', 'Could not write /p/a.jpg: the folder /p is read-only'))).toBe(false);
    expect(isDiskFull('ENOSPC')).toBe(false);
  });
});
