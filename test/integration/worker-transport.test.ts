import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './worker-helpers.js';

/**
 * A worker whose parent died mid-deblur (main crashed or was killed) used to die of an uncaught
 * `write EPIPE` from its next progress message: a real process, its channel closed under it.
 */
let tmp: string | undefined;
afterAll(() => (tmp ? rm(tmp, { recursive: true, force: true }) : undefined));

describe('a worker whose parent went away', () => {
  it('sends into the closed channel without an uncaught error, and ends quietly', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-transport-'));
    const gone = path.join(tmp, 'parent-gone');
    const child = fork(path.join(repoRoot, 'test/fixtures/late-sender.ts'), [gone], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    // The worker starts its work, then the parent's end of the channel closes.
    await new Promise<void>((resolve, reject) => child.send({ go: true }, (error) => (error ? reject(error) : resolve())));
    const disconnected = new Promise<void>((resolve) => child.once('disconnect', () => resolve()));
    child.disconnect();
    await disconnected;
    await writeFile(gone, '');
    const code = await exited;
    expect(stderr).not.toMatch(/EPIPE|Uncaught|Error/);
    expect(code).toBe(0);
  });
});
