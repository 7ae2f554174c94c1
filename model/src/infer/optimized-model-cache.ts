import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ort } from './ort.js';

/**
 * ORT's optimised-model cache on disk: ORT writes the graph it produced with all
 * optimisations (fusions, layout changes) to `optimizedModelFilePath`; later sessions load that
 * file with optimisation off. The result is only valid for the same model bytes, ORT version,
 * execution provider and CPU architecture, so those are the file's key. ORT writes to a temp
 * name that is renamed once the session works, so a crash never leaves a half-written entry.
 */
export interface OptimizedModelCache {
  /** The cache entry for this model, EP and runtime. */
  path: string;
  /** Where ORT writes a new entry before it is committed. */
  tempPath: string;
  hit: boolean;
}

export async function cachedModelPath(dir: string, modelPath: string, ep: string): Promise<OptimizedModelCache> {
  const sha = createHash('sha256').update(await readFile(modelPath)).digest('hex');
  const runtime = `ort${ort.env.versions.common ?? 'unknown'}`;
  const file = path.join(dir, `${sha.slice(0, 32)}-${runtime}-${ep}-${process.platform}-${process.arch}.onnx`);
  const hit = await stat(file).then((s) => s.isFile() && s.size > 0, () => false);
  if (!hit) await mkdir(dir, { recursive: true });
  // ORT picks the output format from the extension, so the temp name must end in .onnx.
  return { path: file, tempPath: `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp.onnx`, hit };
}

export async function commitCachedModel(entry: OptimizedModelCache): Promise<void> {
  // An EP that writes nothing (some GPU providers) simply leaves no cache entry.
  await rename(entry.tempPath, entry.path).catch(() => discardCachedModel(entry));
}

export async function discardCachedModel(entry: OptimizedModelCache): Promise<void> {
  await rm(entry.tempPath, { force: true });
}

/** A cache entry that fails to load (damaged, or from another build) is removed, not trusted. */
export async function evictCachedModel(entry: OptimizedModelCache): Promise<void> {
  await rm(entry.path, { force: true });
}
