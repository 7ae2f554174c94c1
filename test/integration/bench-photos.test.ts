import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from '../../model/src/eval/bench.js';
import { resolveModel } from '../../model/src/models/library.js';
import { repoRoot } from './cli-run.js';

/** The end-to-end runs need real photos; they come after minutes of roofline and sweep, so the folder is checked first. */
describe('runBench without its photos', () => {
  it('says so before measuring anything', async () => {
    const model = await resolveModel('placeholder', { userModelsDir: path.join(repoRoot, 'no-such-models') });
    const lines: string[] = [];
    const missing = path.join(repoRoot, 'no-such-photos');
    // Nothing is written before the check: the work folder need not exist.
    const workDir = path.join(repoRoot, 'no-such-work-dir');
    await expect(runBench(model, { sizes: [0.1], tileSizes: [256], threads: [1], training: false, photosDir: missing, workDir, log: (l) => lines.push(l) })).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: `The bench needs real photos in ${missing} (the shared data folder next to the repo).`,
    });
    expect(lines).toEqual([]);
  });
});
