import { ort } from './ort.js';
import type { ExecutionProviderInfo } from '../../../electron/common/ipc-contract.js';
import { UnshakeError } from '../errors.js';
import type { ModelManifest } from '../models/manifest.js';
import { cachedModelPath, commitCachedModel, discardCachedModel, evictCachedModel } from './optimized-model-cache.js';

/** Making one ORT session: the provider chain, the session options measured for tiles, the manifest check. */
export interface SessionHandle {
  session: ort.InferenceSession;
  executionProvider: ExecutionProviderInfo;
}

/**
 * Opens a model the way a deblur would (on the CPU, checked against its manifest) and closes it
 * again, without caching it: for a fine-tune, whose own importer reads what ORT refuses (a newer
 * opset, an output under another name, a fixed size) and would train hours for a model no deblur runs.
 */
export async function checkModelLoads(modelPath: string, manifest: ModelManifest): Promise<void> {
  const handle = await createSession(modelPath, ['cpu'], { threads: 1, cacheDir: undefined }, new Map());
  try {
    validateAgainstManifest(handle, manifest);
  } finally {
    await handle.session.release();
  }
}

/**
 * A session on the first provider of `chain` that loads; each one tried is reported with ORT's
 * reason. `unloadable` collects providers whose libraries are missing (the caller's, per process).
 */
export async function createSession(modelPath: string, chain: string[], config: CreateConfig, unloadable: Map<string, string>): Promise<SessionHandle> {
  // ORT prints a provider's load failure (e.g. CUDA libraries absent) to stderr from its process-wide
  // logger, read once at first use; the failure is reported through `tried` instead.
  ort.env.logLevel = 'fatal';
  const tried: ExecutionProviderInfo['tried'] = [];
  let lastError: unknown;
  for (const name of chain) {
    try {
      const session = await createForProvider(modelPath, name, config);
      tried.push({ name, ok: true, reason: null });
      return { session, executionProvider: { active: name, tried } };
    } catch (error) {
      lastError = error;
      tried.push({ name, ok: false, reason: explain(error) });
      // Missing libraries stay missing for this process; other failures may be this model's own.
      if (isUnloadable(error)) unloadable.set(name, explain(error));
    }
  }
  // The CPU provider is always present, so reaching here means the file itself is not a usable model.
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new UnshakeError('MODEL_INVALID', `The model file ${modelPath} could not be loaded by ONNX Runtime: ${reason}`, {
    cause: lastError,
  });
}

export interface CreateConfig {
  threads: number;
  cacheDir: string | undefined;
}

async function createForProvider(modelPath: string, ep: string, config: CreateConfig): Promise<ort.InferenceSession> {
  const base: ort.InferenceSession.SessionOptions = {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    // ORT's memory pattern pre-plans one block per input shape and keeps it in its arena; tiles
    // come in several shapes, and at 1024² three runs grew RSS to 1.4 GB with it vs 0.9 GB
    // without, at equal speed (measured, docs/decisions.md).
    enableMemPattern: false,
    intraOpNumThreads: config.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // The binding runs session.run on the JS thread, so ORT's pool threads spinning after a run
    // steal the core the engine's gather/blend work needs next (2 vCPUs here): off, the same
    // 256² tile + blend loop took 62 ms instead of 76 at equal network time (docs/decisions.md).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  if (!config.cacheDir) return ort.InferenceSession.create(modelPath, base);
  const entry = await cachedModelPath(config.cacheDir, modelPath, ep);
  if (entry.hit) {
    try {
      // Already optimised for this EP and ORT version: skip the work.
      return await ort.InferenceSession.create(entry.path, { ...base, graphOptimizationLevel: 'disabled' });
    } catch {
      await evictCachedModel(entry);
    }
  }
  try {
    const session = await ort.InferenceSession.create(modelPath, { ...base, optimizedModelFilePath: entry.tempPath });
    await commitCachedModel(entry);
    return session;
  } catch (error) {
    await discardCachedModel(entry);
    throw error;
  }
}

export function validateAgainstManifest(handle: SessionHandle, manifest: ModelManifest): SessionHandle {
  const { session } = handle;
  const { inputName, outputName, channels } = manifest.io;
  const fail = (why: string): never => {
    throw new UnshakeError('MODEL_INVALID', `The model "${manifest.id}" does not match its manifest: ${why}.`);
  };
  if (session.inputNames.length !== 1 || session.inputNames[0] !== inputName) {
    fail(`expected one input "${inputName}", found ${JSON.stringify(session.inputNames)}`);
  }
  if (!session.outputNames.includes(outputName)) {
    fail(`expected an output "${outputName}", found ${JSON.stringify(session.outputNames)}`);
  }
  for (const meta of [session.inputMetadata[0], session.outputMetadata[session.outputNames.indexOf(outputName)]]) {
    if (!meta?.isTensor) return fail(`"${meta?.name ?? '?'}" is not a tensor`);
    if (meta.type !== 'float32') fail(`"${meta.name}" is ${meta.type}, expected float32`);
    const shape = meta.shape;
    if (shape.length !== 4) fail(`"${meta.name}" has rank ${shape.length}, expected 4 (NCHW)`);
    if (typeof shape[1] === 'number' && shape[1] !== channels) {
      fail(`"${meta.name}" has ${shape[1]} channels, expected ${channels}`);
    }
    // A fixed H or W would make tiling impossible at any other size.
    if (typeof shape[2] === 'number' || typeof shape[3] === 'number') {
      fail(`"${meta.name}" has a fixed height/width (${shape.join('x')}); the engine needs dynamic H and W`);
    }
  }
  return handle;
}

function isUnloadable(error: unknown): boolean {
  return /failed to load shared library/i.test(error instanceof Error ? error.message : String(error));
}

function explain(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // ORT's wording for a provider whose libraries (or GPU driver) are absent is cryptic.
  return isUnloadable(error)
    ? `${message} (its runtime libraries or GPU driver are not installed on this machine)`
    : message;
}
