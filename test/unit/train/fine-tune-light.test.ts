import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the training panel’s list of runs', () => {
  it('is read without loading TF.js (the training process starts light; TF.js comes with the first run)', () => {
    // A fresh process: this one may have TF.js loaded already. TF.js registers its engine on globalThis.
    const script = `
      const m = await import(${JSON.stringify(path.join(repoRoot, 'model/src/train/interrupted-runs.ts'))});
      await m.listInterruptedRuns('/nonexistent-unshake-models');
      const before = typeof globalThis._tfengine;
      await import('@tensorflow/tfjs');
      console.log(before, typeof globalThis._tfengine);`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('undefined object');
  });
});
