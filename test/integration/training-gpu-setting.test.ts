import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROCESSOR_ONLY_NOTE } from '../../model/src/train/fine-tune.js';
import type { BackendRecord } from '../../model/src/train/backend-record.js';
import { installTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder } from '../unit/train/helpers.js';
import { followJob, ok, startTestServices } from './worker-helpers.js';

/** A tiny generator with the base model's ops, installed in the user's models folder. */
const installTinyModel = (modelsDir: string): Promise<void> => installTinyGenerator(modelsDir, 'tiny', 'Tiny', 5);

describe('the graphics-card setting and fine-tuning', () => {
  it('off: the run trains on the processor, says why at its start, and training.json records it', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-processor-only');
    try {
      const modelsDir = path.join(userDataDir, 'models');
      await installTinyModel(modelsDir);
      await makeGoproPairsFolder(path.join(workDir, 'pairs'), 1);
      ok(await services.dispatch('settings:set', { preferredExecutionProvider: 'cpu' }));
      const started = ok<{ jobId: string }>(
        await services.dispatch('train:start', {
          baseModelId: 'tiny',
          source: 'pairs',
          folder: path.join(workDir, 'pairs'),
          name: 'On the processor',
          steps: 1,
          settings: { crop: 32, batch: 1, perceptualWeight: 0, criticWidth: 4 },
        }),
      );
      const updates = await followJob(services, started.jobId);
      expect(updates.at(-1)!.state).toMatchObject({ status: 'done', model: { modelId: 'on-the-processor' } });
      const details = [...new Set(updates.flatMap((u) => (u.state.status === 'running' ? (u.state.progress.detail ?? []) : [])))];
      const backendLine = details.find((line) => line.startsWith('Training on '));
      expect(backendLine).toMatch(/^Training on the processor/);
      expect(backendLine).toContain(PROCESSOR_ONLY_NOTE);
      const summary = JSON.parse(await readFile(path.join(modelsDir, 'on-the-processor', 'training.json'), 'utf8')) as { backends: BackendRecord[] };
      expect(summary.backends).toHaveLength(1);
      expect(summary.backends[0]).toMatchObject({ gpu: false, fromStep: 0, plain: expect.stringMatching(/^the processor \(/) });
    } finally {
      await services.close();
    }
  });
});
