import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installUserModel, runCli } from './cli-run.js';

/** bench's options, checked as the other commands check theirs: before anything is measured. */
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-bench-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** A usage error: exit 1, the reason, and nothing measured (no "bench:" progress line). */
async function refused(args: string[]): Promise<string> {
  // A --json that is not there: without the checks, --train-only or --keep-training stop at once, not after minutes.
  const r = await runCli(['bench', '--model', 'placeholder', '--no-write', '--json', path.join(tmp, 'none.json'), '--sizes', '0.05', ...args]);
  expect(r.code, args.join(' ')).toBe(1);
  expect(r.stderr).not.toMatch(/^bench: /m);
  const match = /^error \[INVALID_REQUEST\]: (.+)$/m.exec(r.stderr);
  expect(match, r.stderr).not.toBeNull();
  return match![1]!;
}

describe('unshake bench options', () => {
  it('finds a fine-tuned model in the app\'s models folder, as models, deblur and eval do', async () => {
    const config = path.join(tmp, 'config');
    await installUserModel(path.join(config, 'unshake', 'models'), 'my-ft');
    // --train-only with no report yet stops right after the model is found: the model is not the error.
    const r = await runCli(['bench', '--model', 'my-ft', '--train-only', '--no-write', '--json', path.join(tmp, 'none.json')], { XDG_CONFIG_HOME: config });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/MODEL_NOT_FOUND/);
    expect(r.stderr).toMatch(/^error \[FILE_NOT_FOUND\]: --train-only uses .*none\.json, which does not exist yet/m);
    expect((await runCli(['bench', '--help'])).stdout).toMatch(/--models-dir <folder> +where fine-tuned models are \(default: the app's models folder\)/);
  });

  it('--threads and --tiles take whole numbers only; a fraction is a usage error, not a damaged model', async () => {
    expect(await refused(['--threads', '1.5'])).toBe('--threads must be comma-separated whole numbers from 1 to 256, got "1.5".');
    expect(await refused(['--threads', '0'])).toMatch(/^--threads must be/);
    expect(await refused(['--threads', '1,'])).toMatch(/^--threads must be/);
    expect(await refused(['--tiles', '256.5'])).toMatch(/^--tiles must be comma-separated whole numbers/);
  });

  it('VGG19 weights that fine-tuning needs are checked before anything is measured, for a full bench and --train-only', async () => {
    const noVgg = path.join(tmp, 'no-vgg');
    await mkdir(noVgg, { recursive: true });
    const full = await runCli(['bench', '--model', 'placeholder', '--sizes', '0.1', '--no-write', '--vgg', noVgg]);
    expect(full.code).toBe(1);
    expect(full.stderr).not.toMatch(/^bench: /m);
    expect(full.stderr).toMatch(
      new RegExp(`^error \\[MODEL_NOT_FOUND\\]: Timing fine-tuning needs the VGG19 weights of its perceptual loss: no model\\.json in ${noVgg}\\. Put the vgg19-block3 folder there or name it with --vgg <folder>, or leave fine-tuning out with --no-train`, 'm'),
    );
    expect(full.stderr).not.toMatch(/^\s+at /m);
    // --train-only measures nothing else: the same words, without --no-train.
    const report = path.join(tmp, 'last.json');
    await writeFile(report, '{}');
    const only = await runCli(['bench', '--model', 'placeholder', '--train-only', '--no-write', '--json', report, '--vgg', noVgg]);
    expect(only.code).toBe(1);
    expect(only.stderr).not.toMatch(/^bench: /m);
    expect(only.stderr).toMatch(/^error \[MODEL_NOT_FOUND\]: Timing fine-tuning needs the VGG19 weights .*--vgg <folder>\.$/m);
    // A shard that model.json names but is not there is said too.
    await writeFile(path.join(noVgg, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] }));
    const shard = await runCli(['bench', '--model', 'placeholder', '--train-only', '--no-write', '--json', report, '--vgg', noVgg]);
    expect(shard.stderr).toMatch(/^error \[MODEL_NOT_FOUND\]: .*group1-shard1of1\.bin, named in its model\.json, is missing\./m);
  });

  it('--no-train, --train-only and --keep-training are alternatives: two at once are refused', async () => {
    expect(await refused(['--train-only', '--keep-training', '--no-train'])).toMatch(/^--no-train and --train-only and --keep-training are alternatives: give one\.$/);
    expect(await refused(['--no-train', '--keep-training'])).toMatch(/^--no-train and --keep-training are alternatives/);
  });
});
