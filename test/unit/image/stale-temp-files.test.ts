import { readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempPathBeside } from '../../../model/src/image/atomic-file.js';
import { removeStaleTempFiles } from '../../../model/src/image/stale-temp-files.js';
import { endedProcessId } from '../../fixtures/ended-process.js';
import { useTempDir } from '../../fixtures/make-images.js';

/** Temp files a killed run left are removed by the next; a live run's never. */
const tempDir = useTempDir('unshake-stale-temp-');

describe('temp files of runs that are gone', () => {
  it('removes a dead process’s temp files for any result, keeps a live one’s, another machine’s, a recent unnamed one and other hidden files', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'p1-unshaken.jpg');
    const dead = await endedProcessId();
    const deadCarrier = tempPathBeside(target, 'carrier', '.png', dead);
    // Another format's result (the format changed since the crash): still this run's litter.
    const deadEncode = tempPathBeside(path.join(dir, 'p1-unshaken.png'), 'encode', undefined, dead);
    const live = tempPathBeside(target, 'encode', undefined, process.pid);
    const otherMachine = path.join(dir, path.basename(deadCarrier).replace(/-(\d+)-[0-9a-f]{8}-/, '-$1-00000000-'));
    const unnamedRecent = path.join(dir, '.p2-unshaken.jpg.unshake-encode-0123456789ab.jpg');
    const unnamedOld = path.join(dir, '.p3-unshaken.jpg.unshake-carrier-0123456789ab.png');
    const ownHidden = path.join(dir, '.p1-unshaken.jpg.notes');
    for (const file of [deadCarrier, deadEncode, live, otherMachine, unnamedRecent, unnamedOld, ownHidden]) await writeFile(file, 'x'.repeat(100));
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    await utimes(unnamedOld, twoDaysAgo, twoDaysAgo);

    const removed = await removeStaleTempFiles([dir, dir]);
    expect(removed.files.sort()).toEqual([deadCarrier, deadEncode, unnamedOld].sort());
    expect(removed.bytes).toBe(300);
    expect((await readdir(dir)).sort()).toEqual([live, otherMachine, unnamedRecent, ownHidden].map((f) => path.basename(f)).sort());
  });

  it('a folder that is not there is nothing to remove', async () => {
    expect(await removeStaleTempFiles([path.join(tempDir(), 'gone')])).toEqual({ files: [], bytes: 0 });
  });
});
