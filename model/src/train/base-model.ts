import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { BASE_MODEL_ALIAS, resolveModel } from '../models/library.js';
import { checkModelLoads } from '../infer/session-manager.js';
import { modelManifestSchema, type ModelManifest } from '../models/manifest.js';

/**
 * The model a run fine-tunes (`--base`): a model id from the library (bundled, or fine-tuned
 * in the user's models folder, so a fine-tune can start from an earlier one), or, for the
 * command line only, an ONNX file whose folder holds its manifest. Without --base, the
 * library's "base" model.
 */
export interface BaseModel {
  onnx: string;
  manifest: ModelManifest;
}

const MANIFEST_SUFFIX = '.manifest.json';
const isPath = (spec: string) => /\.onnx$/i.test(spec) || spec.includes('/') || spec.includes(path.sep);

export interface ResolveBaseOptions {
  /** Where the shipped models are, for the packaged app (default: this source tree's). */
  bundledDir?: string;
  /**
   * The command line's `--base FILE.onnx`: a spec that looks like a path is that file. Only the
   * command line says so: the app names library models, and a path from a page (a file never
   * handed over, a network share) must not be read even if a request schema lets one through.
   */
  acceptFile?: boolean;
}

/** The base model, checked before any step: a model the deblur engine cannot run is not fine-tuned. */
export async function resolveBase(spec: string | undefined, modelsDir: string, options: ResolveBaseOptions = {}): Promise<BaseModel> {
  const { bundledDir, acceptFile = false } = options;
  const base =
    spec !== undefined && acceptFile && isPath(spec)
      ? await baseFromFile(path.resolve(spec))
      : await resolveModel(spec ?? BASE_MODEL_ALIAS, { userModelsDir: modelsDir, ...(bundledDir === undefined ? {} : { bundledDir }) }).then((m) => ({
          onnx: m.onnxPath,
          manifest: m.manifest,
        }));
  await checkModelLoads(base.onnx, base.manifest).catch((error: unknown) => {
    const reason = (error instanceof Error ? error.message : String(error)).trim();
    throw new UnshakeError('MODEL_INVALID', `${reason} Unshake could not deblur with it, so it is not fine-tuned either: start from another model.`, { cause: error });
  });
  return base;
}

/**
 * The manifest next to an ONNX file: the one whose `file` names it (a fine-tuned model's
 * `<id>.manifest.json` names `model.onnx`), else `<stem>.manifest.json` (bundled models).
 */
async function baseFromFile(onnx: string): Promise<BaseModel> {
  if (!(await stat(onnx).then((s) => s.isFile(), () => false))) throw new UnshakeError('MODEL_NOT_FOUND', `No base model to fine-tune at ${onnx}.`);
  const dir = path.dirname(onnx);
  const file = path.basename(onnx);
  const names = (await readdir(dir)).filter((n) => n.endsWith(MANIFEST_SUFFIX)).sort();
  const manifests = await Promise.all(names.map(async (n) => ({ name: n, manifest: await readManifest(path.join(dir, n)) })));
  const naming = manifests.find((m) => m.manifest?.file === file)?.manifest;
  if (naming) {
    if (naming.sha256 && createHash('sha256').update(await readFile(onnx)).digest('hex') !== naming.sha256) {
      throw new UnshakeError('MODEL_INVALID', `The base model ${onnx} does not match the checksum in its manifest "${naming.id}"; it may be damaged.`);
    }
    return { onnx, manifest: naming };
  }
  const stem = manifests.find((m) => m.name === file.replace(/\.onnx$/i, MANIFEST_SUFFIX))?.manifest;
  if (stem) return { onnx, manifest: stem };
  throw new UnshakeError('MODEL_INVALID', `The base model ${onnx} has no manifest: no valid *${MANIFEST_SUFFIX} in ${dir} names "${file}" as its file.`);
}

async function readManifest(file: string): Promise<ModelManifest | null> {
  try {
    return modelManifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return null;
  }
}
