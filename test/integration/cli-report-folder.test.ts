import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-run.js';

/**
 * eval's --json and bench's --json/--md are written after a run of minutes: a folder that exists
 * but cannot be written is said before the run, in words. /sys stands for a read-only place:
 * even root cannot create a file there (EACCES), though access(W_OK) answers yes to root.
 */
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-report-folder-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('a report folder that cannot be written', () => {
  it('eval --json is refused before any pair is scored', async () => {
    const r = await runCli(['eval', '--set', tmp, '--model', 'placeholder', '--json', '/sys/x.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \[WRITE_FAILED\]: --json \/sys\/x\.json: the folder \/sys cannot be written \(you are not allowed to write there\); change its permissions or choose another folder\.$/m);
    expect(r.stderr).not.toMatch(/^eval: /m);
  });

  it('bench --json and --md are refused before anything is measured; a writable folder keeps no check file', async () => {
    const json = await runCli(['bench', '--model', 'placeholder', '--sizes', '0.1', '--no-train', '--json', '/sys/x.json', '--md', path.join(tmp, 'b.md')]);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/^error \[WRITE_FAILED\]: --json \/sys\/x\.json: the folder \/sys cannot be written/m);
    expect(json.stderr).not.toMatch(/^bench: /m);
    const md = await runCli(['bench', '--model', 'placeholder', '--sizes', '0.1', '--no-train', '--json', path.join(tmp, 'b.json'), '--md', '/sys/b.md']);
    expect(md.code).toBe(1);
    expect(md.stderr).toMatch(/^error \[WRITE_FAILED\]: --md \/sys\/b\.md: the folder \/sys cannot be written/m);
    expect(md.stderr).not.toMatch(/^bench: /m);
    expect(md.stdout).toBe('');
    // The --json check passed in tmp before --md failed: its probe file is gone.
    expect(await readdir(tmp)).toEqual([]);
  });
});
