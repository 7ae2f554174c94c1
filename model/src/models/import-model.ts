import { randomUUID } from 'node:crypto';
import { readdir, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { cleanModelName, MODEL_NAME_MAX } from '../../../electron/common/model-id.js';
import { UnshakeError } from '../errors.js';
import { listModels, unlistedModels, type LibraryOptions } from './library.js';
import { loadManifest, MANIFEST_SUFFIX, MAX_MODEL_BYTES } from './library-folder.js';
import type { ModelManifest } from './manifest.js';
import { modelNameKey } from './model-name.js';
import { copyHashed, NotRegularFile, openRegularFile, SourceProblem } from './regular-file.js';
import { makeFolders } from '../image/make-folders.js';

/**
 * Copies a model folder (one `<id>.manifest.json` beside its ONNX file, as Unshake saves its
 * fine-tunes) into the user's models folder, checked as the library checks a model: the manifest's
 * schema, a plain file name, the size limit and the checksum. Under a free id (a model of that id
 * is there: `<id>-2`…), and a name another model has gets " (2)"…; the same file already in the
 * library is refused. The manifest and the model file must be regular files, not links (one may
 * point anywhere: a device, a pipe, another private file). Written to a dot-folder (which the
 * library never reads) and renamed into place, so a half-copied model is never listed.
 */
export async function importModel(folder: string, options: LibraryOptions & { userModelsDir: string }): Promise<{ id: string; name: string }> {
  const refuse = (why: string): never => {
    throw new UnshakeError('MODEL_INVALID', `${folder} cannot be imported: ${why}.`);
  };
  const names = await readdir(folder).catch((error: Error) => refuse(`it cannot be read (${error.message})`));
  const manifests = names.filter((name) => name.endsWith(MANIFEST_SUFFIX));
  if (manifests.length === 0) {
    const onnx = names.find((name) => name.toLowerCase().endsWith('.onnx'));
    refuse(onnx ? `${onnx} has no Unshake manifest (<id>.manifest.json) beside it; it may be another app's model, which Unshake cannot run` : 'it holds no Unshake model (a <id>.manifest.json beside its .onnx file)');
  }
  if (manifests.length > 1) refuse(`it holds ${manifests.length} model manifests; choose a folder with one model`);
  // Read and checked by the library's own rule (JSON, schema, a plain file name beside it); a link is refused.
  const entry = await loadManifest(folder, manifests[0]!, 'user', { followLinks: false });
  if (!entry.ok) return refuse(entry.reason);
  const { manifest } = entry;
  const model = await openRegularFile(path.join(folder, manifest.file), { followLinks: false }).catch((error: unknown) =>
    refuse(error instanceof NotRegularFile ? `its model file ${manifest.file} ${error.message}` : String(error)),
  );
  try {
    if (model.size > MAX_MODEL_BYTES) refuse(`its model file is ${(model.size / 2 ** 30).toFixed(1)} GiB; ONNX models cannot exceed 2 GiB`);
    return await copyIn(model.handle, manifest, refuse, options);
  } finally {
    await model.handle.close();
  }
}

/**
 * The model file copied from the handle opened on it into a dot-folder while hashed (the bytes
 * checked are the bytes copied), checked against the library, then renamed into place.
 */
async function copyIn(from: FileHandle, manifest: ModelManifest, refuse: (why: string) => never, options: LibraryOptions & { userModelsDir: string }): Promise<{ id: string; name: string }> {
  const staging = path.join(options.userModelsDir, `.import-${randomUUID()}`);
  try {
    await makeFolders(staging);
    const { sha256 } = await copyHashed(from, path.join(staging, manifest.file), MAX_MODEL_BYTES).catch((error: unknown) =>
      error instanceof SourceProblem ? refuse(`its model file ${manifest.file} ${error.message}`) : Promise.reject(error),
    );
    if (manifest.sha256 && manifest.sha256 !== sha256) refuse(`its model file ${manifest.file} does not match its manifest's checksum (damaged, or changed since it was made)`);

    const library = await listModels(options);
    const same = await Promise.all(library.filter((m) => m.source === 'user').map(async (m) => ((await manifestSha(options.userModelsDir, m.id)) === sha256 ? m : null)));
    const duplicate = same.find((m) => m !== null);
    if (duplicate) refuse(`it is already in your models as “${duplicate.name}”`);
    const taken = new Set([...library.map((m) => m.id), ...(await unlistedModels(options)).map((m) => m.id), ...(await readdir(options.userModelsDir).catch(() => []))]);
    let id = manifest.id;
    for (let n = 2; taken.has(id); n++) id = `${manifest.id}-${n}`;
    // Another model of the same name (other weights) would give two cards nobody could tell apart.
    const namesTaken = new Set(library.map((m) => modelNameKey(m.name)));
    let name = manifest.name;
    // Room made for the suffix first: one added past the limit is cut off again when read back.
    for (let n = 2; namesTaken.has(modelNameKey(name)); n++) name = `${cleanModelName(manifest.name, MODEL_NAME_MAX - ` (${n})`.length)} (${n})`;

    await writeFile(path.join(staging, `${id}${MANIFEST_SUFFIX}`), `${JSON.stringify({ ...manifest, id, name, sha256 }, null, 2)}\n`);
    await rename(staging, path.join(options.userModelsDir, id));
    return { id, name };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (error instanceof UnshakeError) throw error;
    throw new UnshakeError('WRITE_FAILED', `Could not copy the model into ${options.userModelsDir}: ${(error as Error).message}`, { cause: error });
  }
}

/** The checksum a user model's manifest states (fine-tunes always state one), if it is where its id says. */
async function manifestSha(userModelsDir: string, id: string): Promise<string | undefined> {
  const entry = await loadManifest(path.join(userModelsDir, id), `${id}${MANIFEST_SUFFIX}`, 'user');
  return entry.ok ? entry.manifest.sha256 : undefined;
}
