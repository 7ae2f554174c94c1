import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, watch } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './cli-run.js';

/**
 * Ctrl-C / SIGTERM during `unshake deblur`: the encoder's hidden temp files beside the output
 * (`.out.png.unshake-encode-….png` and the metadata carrier `.out.png.unshake-carrier-….png`)
 * must not be left behind, and the process exits 130 / 143 with a short note.
 */
let tmp: string;
let photo: string;
let photoSha: string;
/** The same size without EXIF or ICC (libvips then creates the output's temp file straight away, on its own thread), in a folder of its own. */
let bareDir: string;
let bare: string;
const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-sigint-'));
  photo = path.join(tmp, 'big.jpg');
  // 24 MP of noise: the PNG encode takes seconds, so the signal lands while it runs. EXIF makes
  // the encoder write the metadata carrier temp file as well.
  await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .withExif({ IFD0: { Make: 'Unshake test' } })
    .jpeg({ quality: 90 })
    .toFile(photo);
  photoSha = await sha(photo);
  bareDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-sigint-bare-'));
  bare = path.join(bareDir, 'bare.jpg');
  await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .jpeg({ quality: 90 })
    .toFile(bare);
}, 60_000);
afterEach(async () => expect(await sha(photo)).toBe(photoSha));
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await rm(bareDir, { recursive: true, force: true });
});

const encodeTemp = /^\.out\.png\.unshake-encode-\d+-[0-9a-f]{8}-[0-9a-f]{12}\.png$/;

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout?: string;
}

/**
 * Run the real CLI and send `signal` once the encode has begun: after the "saving" progress
 * line, as soon as the encoder's temp file exists in the folder (seen through fs.watch, no sleeps).
 * `at: 'saving'` sends it on the "saving" line itself, before the encode has made any file.
 */
function deblurAndInterrupt(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', extra: string[] = [], { at = 'temp', input = photo }: { at?: 'temp' | 'saving'; input?: string } = {}): Promise<Interrupted> {
  // The output and its temp files go beside the input.
  const dir = path.dirname(input);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'model/src/cli/index.ts', 'deblur', input, '--out', path.join(dir, 'out.png'), '--model', 'placeholder', '--cpu', ...extra],
      { cwd: repoRoot, env: { ...process.env, UNSHAKE_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    let saving = false;
    let sent = false;
    const older = new Set(readdirSync(dir));
    const watcher = watch(dir);
    const maybeSend = () => {
      if (sent || !saving || (at === 'temp' && !readdirSync(dir).some((n) => encodeTemp.test(n) && !older.has(n)))) return;
      sent = true;
      child.kill(signal);
    };
    watcher.on('change', maybeSend);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!saving && /^deblur: saving /m.test(stderr)) {
        saving = true;
        maybeSend();
      }
    });
    child.on('error', reject);
    child.on('close', (code, exitSignal) => {
      watcher.close();
      if (!sent) reject(new Error(`the CLI ended before the encode was seen (code ${code}):\n${stderr}`));
      else resolve({ code, signal: exitSignal, stderr, stdout });
    });
  });
}

describe('unshake deblur interrupted while saving (real process, 24 MP)', () => {
  it('Ctrl-C removes the temp files, writes nothing and exits 130', async () => {
    // A stale temp file from some earlier crash is not this run's: it is left alone.
    const stale = path.join(tmp, '.out.png.unshake-encode-000000000000.png');
    await writeFile(stale, 'not ours');
    try {
      const r = await deblurAndInterrupt('SIGINT');
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/^interrupted \(SIGINT\): stopped before .*out\.png was written; the original is untouched\. Removed 2 temporary file\(s\)\.$/m);
      expect(r.stderr).not.toMatch(/error \[/);
      expect((await readdir(tmp)).sort()).toEqual([path.basename(stale), 'big.jpg']);
      expect(await readFile(stale, 'utf8')).toBe('not ours');
    } finally {
      await rm(stale, { force: true });
    }
  }, 120_000);

  it('SIGHUP (the terminal closed, an ssh session dropped) stops it like SIGTERM: temp files removed, nothing written, exit 129', async () => {
    const r = await deblurAndInterrupt('SIGHUP');
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(129);
    expect(r.stderr).toMatch(/^interrupted \(SIGHUP\): stopped before .*out\.png was written; the original is untouched\. Removed 2 temporary file\(s\)\.$/m);
    expect((await readdir(tmp)).sort()).toEqual(['big.jpg']);
  }, 120_000);

  it('SIGTERM with --overwrite keeps the existing output unchanged and exits 143; --json still says the photo was stopped', async () => {
    const out = path.join(tmp, 'out.png');
    await writeFile(out, 'previous result');
    const r = await deblurAndInterrupt('SIGTERM', ['--overwrite', '--json']);
    expect(JSON.parse(r.stdout!)).toEqual({ photos: [{ input: photo, status: 'stopped' }], done: 0, failed: 0, alreadyDone: 0, interrupted: 'SIGTERM' });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/^interrupted \(SIGTERM\): stopped before .*out\.png was written \(the existing file is unchanged\)/m);
    expect((await readdir(tmp)).sort()).toEqual(['big.jpg', 'out.png']);
    expect(await readFile(out, 'utf8')).toBe('previous result');
  }, 120_000);

  it('Ctrl-C while saving a photo without EXIF/ICC: it says it is stopping, waits for the encoder to remove its own temp file, publishes nothing', async () => {
    // On the "saving" line (the encode not yet begun), and once libvips has created the temp file
    // on its own thread: either way the save is abandoned, never finished behind the exit.
    for (const at of ['saving', 'temp'] as const) {
      const r = await deblurAndInterrupt('SIGINT', [], { at, input: bare });
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/^stopping \(SIGINT\): .*\n(?:.*\n)*interrupted \(SIGINT\): stopped before .*out\.png was written; the original is untouched\./m);
      // The temp file seen at the signal is gone, removed by the encoder it belonged to. A PNG result
      // is written through a carrier file (so it states its print resolution): one or both may be there.
      if (at === 'temp') expect(r.stderr).toMatch(/the original is untouched\. Removed [12] temporary file\(s\)\.$/m);
      expect(r.stderr).not.toMatch(/error \[|^wrote /m);
      expect(await readdir(bareDir), at).toEqual(['bare.jpg']);
    }
  }, 120_000);

  it('Ctrl-C during a batch says where the batch stood and that the same command finishes it', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-sigint-batch-'));
    try {
      await sharp({ create: { width: 64, height: 48, channels: 3, background: '#777' } }).jpeg().toFile(path.join(folder, 'a-small.jpg'));
      await copyFile(bare, path.join(folder, 'b-big.jpg'));
      const r = await new Promise<Interrupted>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'model/src/cli/index.ts', 'deblur', folder, '--model', 'placeholder', '--cpu'], {
          cwd: repoRoot,
          env: { ...process.env, UNSHAKE_DEBUG: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        let stdout = '';
        // The first photo written: the second (24 MP) is being deblurred for seconds.
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (/^\[1\/2\] a-small\.jpg: wrote /m.test(stdout)) child.kill('SIGINT');
        });
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code, signal, stderr }));
      });
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/^batch: 1 done, 0 failed, 0 already done \(of 2\) before the stop; run the same command again to finish the rest\.$/m);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
