import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempPathBeside } from '../../model/src/image/atomic-file.js';
import { runCli, sharedData } from './cli-run.js';

/**
 * A batch onto a nearly full card, on a real small file system (tmpfs): the results that fit are
 * written, though the encoder's full-size working copy does not fit beside them; when the card is
 * full the batch stops, leaves nothing half-written, and the same command finishes it once there
 * is room. Mounting needs root (CAP_SYS_ADMIN); where it is refused the suite is skipped.
 */
let work = '';
let card = '';
let mounted = false;

function mountCard(sizeKiB: number, remount = false): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `${remount ? 'remount,' : ''}size=${sizeKiB}k`, 'tmpfs', card], { stdio: 'ignore' });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-full-disk-'));
  card = path.join(work, 'card');
  await mkdir(card);
  await mkdir(path.join(work, 'photos'));
  await mkdir(path.join(work, 'tmp'));
  try {
    // Room for two results (each written as a temp file, then rewritten once with its EXIF), not for one working copy.
    mountCard(480);
    mounted = true;
  } catch {
    return;
  }
  // 1.1 MP with EXIF and an ICC profile: a 3.2 MB working copy for a JPEG of about 110 KB.
  for (const name of ['a', 'b', 'c', 'd']) {
    await sharp(sharedData('real-blur/lai_Pantheon.jpg'))
      .withExif({ IFD0: { Make: `Camera ${name}` } })
      .withIccProfile('p3')
      // q95 4:4:4: results keep a JPEG's quality and subsampling (jpeg-quality.ts), so this sets their size.
      .jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
      .toFile(path.join(work, 'photos', `${name}.jpg`));
  }
  // Damaged, first in the batch: it fails before the disk fills, and a rerun tries it again too.
  const whole = await readFile(path.join(work, 'photos', 'a.jpg'));
  await writeFile(path.join(work, 'photos', '0-damaged.jpg'), whole.subarray(0, whole.length / 3));
}, 60_000);

afterAll(async () => {
  if (mounted) execFileSync('umount', [card]);
  await rm(work, { recursive: true, force: true });
});

const batch = () => runCli(['deblur', path.join(work, 'photos'), '--out-dir', card, '--model', 'placeholder', '--cpu'], { TMPDIR: path.join(work, 'tmp') });
const results = async () => (await readdir(card)).sort();
/** Our working copies in the batch's temp folder (tsx and others keep their own files there). */
const workingCopies = async () => (await readdir(path.join(work, 'tmp'))).filter((n) => n.includes('unshake'));

describe.skipIf(process.getuid?.() !== 0)('a batch onto a nearly full card', () => {
  it('writes what fits, stops when the card is full, and finishes once there is room', async (context) => {
    if (!mounted) context.skip();
    // A working copy a killed engine left in the temp folder (its writer, process 999999, is gone).
    const leftOver = tempPathBeside(path.join(work, 'tmp', 'old-unshaken.jpg'), 'carrier', '.png', 999_999);
    await writeFile(leftOver, Buffer.alloc(1024));
    const first = await batch();
    const written = await results();
    // Each result fits, its working copy (3.2 MB) never would: it went to the system's temp folder.
    expect(written.length, first.stdout + first.stderr).toBe(2);
    expect(written.every((n) => /^[a-d]-unshaken\.jpg$/.test(n)), written.join(', ')).toBe(true);
    expect(first.code).toBe(1);
    const said = first.stdout + first.stderr;
    expect(said).toMatch(/failed \[WRITE_FAILED\] Could not write .*: the disk is full/);
    // What the same command will do again: the damaged photo, the one the full disk failed, and those after it.
    expect(said).toContain(`batch stopped: the disk is full; free some space and run the same command again to do the ${5 - written.length} photo(s) left.`);
    // Nothing half-written on the card, no working copy left behind anywhere (the dead one swept).
    expect(await workingCopies()).toEqual([]);
    const meta = await sharp(path.join(card, written[0]!)).metadata();
    expect(meta.icc?.length).toBeGreaterThan(0);
    expect(meta.exif?.toString('latin1')).toMatch(/Camera [a-d]/);
    const before = await Promise.all(written.map(async (n) => (await stat(path.join(card, n))).mtimeMs));

    mountCard(2048, true);
    await rm(path.join(work, 'photos', '0-damaged.jpg'));
    const second = await batch();
    expect(second.code, second.stderr).toBe(0);
    expect(await results()).toEqual(['a-unshaken.jpg', 'b-unshaken.jpg', 'c-unshaken.jpg', 'd-unshaken.jpg']);
    // The results of the first run were found done, not written again.
    expect(await Promise.all(written.map(async (n) => (await stat(path.join(card, n))).mtimeMs))).toEqual(before);
    expect(await workingCopies()).toEqual([]);
  }, 120_000);
});
