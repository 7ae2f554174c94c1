import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deblurBatch, loadBatchModel } from '../../model/src/cli/deblur-batch.js';
import { releaseSessions } from '../../model/src/infer/session-manager.js';
import { runCli, sharedData } from './cli-run.js';

/**
 * A batch whose destination cannot be written (a write-protected card, an --out-dir on a
 * read-only mount, a disk remounted read-only mid-batch) says so once, before photos are decoded
 * one by one only to fail alike. A real read-only file system (tmpfs) needs root to mount; without
 * it the suite is skipped.
 */
let work = '';
let card = '';
let mounted = false;
const photos = () => path.join(work, 'photos');
const out = () => path.join(card, 'out');

function mount(options: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', card], { stdio: 'ignore' });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-read-only-'));
  card = path.join(work, 'card');
  await mkdir(card);
  await mkdir(photos());
  for (const name of ['kodim01', 'kodim02', 'kodim03']) {
    await sharp(sharedData(`photos-extra/Kodak24/${name}.png`)).resize(160).jpeg().toFile(path.join(photos(), `${name}.jpg`));
  }
  try {
    mount('size=5m');
    mounted = true;
  } catch {
    // Not root, or no mount: skipped below.
  }
}, 60_000);

afterEach(async () => {
  if (!mounted) return;
  // Writable and empty again for the next test.
  mount('remount,rw');
  await rm(out(), { recursive: true, force: true });
});

afterAll(async () => {
  releaseSessions();
  if (mounted) execFileSync('umount', [card]);
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(process.getuid?.() !== 0)('a batch into a folder that cannot be written', () => {
  it('an existing --out-dir on a read-only disk is refused once, before any photo', async (context) => {
    if (!mounted) context.skip();
    await mkdir(out());
    mount('remount,ro');
    const run = await runCli(['deblur', photos(), '--out-dir', out(), '--model', 'placeholder', '--cpu']);
    const said = run.stdout + run.stderr;
    expect(run.code, said).toBe(1);
    expect(run.stderr).toContain(`error [WRITE_FAILED]: ${out()} cannot be written: it is on a read-only disk: choose a folder on a disk that can be written. No photo was deblurred.`);
    // No photo was tried: no line of its own, no list of failures.
    expect(said).not.toMatch(/\[\d\/3\]|failed \(/);
  });

  it('a disk that turns read-only mid-batch stops the rest with one line', async (context) => {
    if (!mounted) context.skip();
    await mkdir(out());
    const deblur = { modelId: 'placeholder', preferredProvider: 'cpu' as const, userModelsDir: path.join(work, 'models') };
    await loadBatchModel(deblur);
    const inputs = (await readdir(photos())).sort().map((name) => path.join(photos(), name));
    const log: string[] = [];
    const summary = await deblurBatch(inputs, {
      outDir: out(),
      deblur,
      log: (line) => {
        log.push(line);
        // Locked (remounted read-only) right after the first photo, before the second starts.
        if (/^\[1\/3\] .*: wrote /.test(line)) mount('remount,ro');
      },
    });
    expect({ done: summary.done, failed: summary.failed }, log.join('\n')).toEqual({ done: 1, failed: 1 });
    expect(log.filter((line) => line.includes('failed'))).toHaveLength(1);
    expect(log.at(-1)).toBe(`batch stopped: ${out()} can no longer be written (it is on a read-only disk); once it can, run the same command again to do the 2 photo(s) left.`);
    expect(await readdir(out())).toEqual(['kodim01-unshaken.jpg']);
  });
});
