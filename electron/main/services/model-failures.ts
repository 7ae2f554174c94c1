import { stat } from 'node:fs/promises';
import type { ModelInfo, UnusableModel } from '../../common/ipc-contract.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { locateModel, type LibraryOptions } from '../../../model/src/models/library.js';
import type { SettingsStore } from '../settings/settings-store.js';

/** A model file as it was when it failed: a file replaced since (re-imported, repaired by hand) is tried again. */
type Failure = { onnxPath: string; size: number; mtimeMs: number; reason: string };

/**
 * The user's models that ONNX Runtime refused to run this session (random bytes, another app's
 * graph), with ORT's reason. The library does not load models to list them (that would load
 * every model at each window focus), so such a model is offered like a good one until its first
 * Deblur or fine-tune; from then on it is listed as unusable, and never kept as the default.
 */
export interface ModelFailures {
  /** Remembers `error` if it says the user model `modelId` cannot be run (MODEL_INVALID); others are left alone. */
  record(modelId: string, error: unknown): Promise<void>;
  /** The list with this session's failed models moved from `models` to `unusable`. */
  apply(list: { models: ModelInfo[]; unusable: UnusableModel[] }): Promise<{ models: ModelInfo[]; unusable: UnusableModel[] }>;
  /** Whether `modelId` failed this session and its file is unchanged. */
  failed(modelId: string): Promise<boolean>;
  /** setSettings tells each change of the default: the one before is what a failed model's default goes back to. */
  defaultChanged(before: string, after: string): void;
}

export function createModelFailures(library: () => LibraryOptions, settings: SettingsStore): ModelFailures {
  const failures = new Map<string, Failure>();
  // The defaults this session had before, newest last: a failed default goes back to the newest that has not failed.
  const earlierDefaults: string[] = [];

  /** The failure of `id`, if its file is the one that failed; forgotten once the file is gone or changed. */
  const current = async (id: string): Promise<Failure | undefined> => {
    const failure = failures.get(id);
    if (!failure) return undefined;
    const now = await stat(failure.onnxPath).catch(() => null);
    if (now && now.size === failure.size && now.mtimeMs === failure.mtimeMs) return failure;
    failures.delete(id);
    return undefined;
  };

  /** The stored default must be a model that runs: the next start would open with one that cannot. */
  const keepDefaultUsable = async (id: string) => {
    if (settings.get().defaultModelId !== id) return;
    let back = 'base';
    for (const earlier of [...earlierDefaults].reverse()) {
      if (earlier !== id && !(await current(earlier))) {
        back = earlier;
        break;
      }
    }
    settings.set({ defaultModelId: back });
  };

  return {
    async record(modelId, error) {
      if (!(error instanceof UnshakeError) || error.code !== 'MODEL_INVALID') return;
      const model = await locateModel(modelId, library()).catch(() => null);
      // A shipped model is not hidden (reinstalling mends it); one whose file is gone is listed as such already.
      if (!model || model.source !== 'user') return;
      const file = await stat(model.onnxPath).catch(() => null);
      if (!file) return;
      const reason = `it could not be run (${error.message.replace(/\.$/, '')})`;
      failures.set(model.manifest.id, { onnxPath: model.onnxPath, size: file.size, mtimeMs: file.mtimeMs, reason });
      await keepDefaultUsable(model.manifest.id);
    },
    async apply({ models, unusable }) {
      const failed = new Map<string, Failure>();
      for (const id of [...failures.keys()]) {
        const failure = await current(id);
        if (failure) failed.set(id, failure);
      }
      if (failed.size === 0) return { models, unusable };
      const gone = models.filter((m) => m.source === 'user' && failed.has(m.id));
      return {
        models: models.filter((m) => !gone.includes(m)),
        unusable: [...unusable, ...gone.map((m) => ({ id: m.id, reason: failed.get(m.id)!.reason, source: m.source }))],
      };
    },
    async failed(modelId) {
      return (await current(modelId)) !== undefined;
    },
    defaultChanged(before, after) {
      if (before !== after) earlierDefaults.push(before);
    },
  };
}
