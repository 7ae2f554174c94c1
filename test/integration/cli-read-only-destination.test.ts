import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
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
/** A second card, on its own file system: the first turning read-only leaves it writable. */
let card2 = '';
let mounted = false;
const photos = () => path.join(work, 'photos');
const out = () => path.join(card, 'out');

function mount(options: string, where = card): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', where], { stdio: 'ignore' });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-read-only-'));
  card = path.join(work, 'card');
  card2 = path.join(work, 'card2');
  await mkdir(card);
  await mkdir(card2);
  await mkdir(photos());
  for (const name of ['kodim01', 'kodim02', 'kodim03']) {
    await sharp(sharedData(`photos-extra/Kodak24/${name}.png`)).resize(160).jpeg().toFile(path.join(photos(), `${name}.jpg`));
  }
  try {
    mount('size=5m');
    mounted = true;
    mount('size=5m', card2);
  } catch {
    // Not root, or no mount: skipped below.
  }
}, 60_000);

afterEach(async () => {
  if (!mounted) return;
  // Writable and empty again for the next test.
  mount('remount,rw');
  for (const folder of [out(), path.join(card, 'DCIM'), path.join(card2, 'DCIM')]) await rm(folder, { recursive: true, force: true });
});

afterAll(async () => {
  releaseSessions();
  if (mounted) for (const where of [card, card2]) execFileSync('umount', [where]);
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

  it('an --out-dir that turns read-only mid-batch leaves out the rest with one line', async (context) => {
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
    expect({ done: summary.done, failed: summary.failed, leftOut: summary.leftOut }, log.join('\n')).toEqual({ done: 1, failed: 1, leftOut: 1 });
    expect(log.filter((line) => line.includes('failed'))).toHaveLength(1);
    expect(log.at(-1)).toBe(`${out()} can no longer be written (it is on a read-only disk): its later photos are left out; once it can be written, run the same command again to do its 2 photo(s) left.`);
    expect(await readdir(out())).toEqual(['kodim01-unshaken.jpg']);
  });

  it('a card that turns read-only mid-batch leaves out its own photos left; another card goes on', async (context) => {
    if (!mounted) context.skip();
    const [a, b] = [path.join(card, 'DCIM'), path.join(card2, 'DCIM')];
    for (const folder of [a, b]) await mkdir(folder);
    for (const name of ['kodim01', 'kodim02', 'kodim03']) await copyFile(path.join(photos(), `${name}.jpg`), path.join(a, `${name}.jpg`));
    for (const name of ['kodim01', 'kodim02']) await copyFile(path.join(photos(), `${name}.jpg`), path.join(b, `${name}.jpg`));
    const deblur = { modelId: 'placeholder', preferredProvider: 'cpu' as const, userModelsDir: path.join(work, 'models') };
    await loadBatchModel(deblur);
    const inputs = [...['kodim01', 'kodim02', 'kodim03'].map((name) => path.join(a, `${name}.jpg`)), ...['kodim01', 'kodim02'].map((name) => path.join(b, `${name}.jpg`))];
    const log: string[] = [];
    const summary = await deblurBatch(inputs, {
      deblur,
      log: (line) => {
        log.push(line);
        // The first card locked right after its first photo, before the second starts.
        if (/^\[1\/5\] .*: wrote /.test(line)) mount('remount,ro');
      },
    });
    const said = log.join('\n');
    expect({ done: summary.done, failed: summary.failed, leftOut: summary.leftOut }, said).toEqual({ done: 3, failed: 1, leftOut: 1 });
    expect(summary.photos.map((photo) => photo.status)).toEqual(['done', 'failed', 'left-out', 'done', 'done']);
    expect(log).toContain(`${a} can no longer be written (it is on a read-only disk): its later photos are left out; once it can be written, run the same command again to do its 2 photo(s) left.`);
    expect((await readdir(a)).filter((name) => name.includes('-unshaken'))).toEqual(['kodim01-unshaken.jpg']);
    expect((await readdir(b)).filter((name) => name.includes('-unshaken')).sort()).toEqual(['kodim01-unshaken.jpg', 'kodim02-unshaken.jpg']);
  });

  it('a read-only card among others is left out with one note; the command exits 1', async (context) => {
    if (!mounted) context.skip();
    const [a, b] = [path.join(card, 'DCIM'), path.join(card2, 'DCIM')];
    for (const folder of [a, b]) await mkdir(folder);
    for (const name of ['kodim01', 'kodim02']) await copyFile(path.join(photos(), `${name}.jpg`), path.join(a, `${name}.jpg`));
    await copyFile(path.join(photos(), 'kodim03.jpg'), path.join(b, 'kodim03.jpg'));
    mount('remount,ro');
    const run = await runCli(['deblur', a, b, '--model', 'placeholder', '--cpu', '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`note: ${a} cannot be written: it is on a read-only disk: choose a folder on a disk that can be written. Its 2 photos were left out.`);
    // Left out, not failed: no line of their own, no list of failures.
    expect(run.stderr).not.toMatch(/\[[12]\/3\]|failed \(/);
    const json = JSON.parse(run.stdout) as { photos: { status: string; reason?: string }[]; done: number; failed: number; leftOut?: number };
    expect({ done: json.done, failed: json.failed, leftOut: json.leftOut }).toEqual({ done: 1, failed: 0, leftOut: 2 });
    expect(json.photos.map((photo) => photo.status)).toEqual(['left-out', 'left-out', 'done']);
    expect(run.stderr).toContain('batch: 1 done, 0 failed, 0 already done, 2 left out (of 3)');
  });
});
