import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { listModels, unlistedModels, type LibraryOptions } from './library.js';
import { loadManifest, MANIFEST_SUFFIX, MAX_MODEL_BYTES } from './library-folder.js';
import { modelManifestSchema } from './manifest.js';
import { modelNameKey } from './model-name.js';

/**
 * Copies a model folder (one `<id>.manifest.json` beside its ONNX file, as Unshake saves its
 * fine-tunes) into the user's models folder, checked as the library checks a model: the manifest's
 * schema, a plain file name, the size limit and the checksum. Under a free id (a model of that id
 * is there: `<id>-2`…), and a name another model has gets " (2)"…; the same file already in the
 * library is refused. Written to a dot-folder
 * (which the library never reads) and renamed into place, so a half-copied model is never listed.
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
  // Read and checked by the library's own rule (JSON, schema, a plain file name beside it).
  const entry = await loadManifest(folder, manifests[0]!, 'user');
  if (!entry.ok) return refuse(entry.reason);
  const { manifest } = entry;
  const onnxPath = path.join(folder, manifest.file);
  const size = await stat(onnxPath).then((s) => s.size, () => refuse(`its model file ${manifest.file} is missing`));
  if (size > MAX_MODEL_BYTES) refuse(`its model file is ${(size / 2 ** 30).toFixed(1)} GiB; ONNX models cannot exceed 2 GiB`);
  // Read in chunks: up to 2 GiB on main's thread at once would freeze the window and its memory.
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(onnxPath)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
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
  for (let n = 2; namesTaken.has(modelNameKey(name)); n++) name = `${manifest.name} (${n})`;

  await mkdir(options.userModelsDir, { recursive: true });
  const staging = path.join(options.userModelsDir, `.import-${randomUUID()}`);
  try {
    await mkdir(staging);
    await copyFile(onnxPath, path.join(staging, manifest.file));
    await writeFile(path.join(staging, `${id}${MANIFEST_SUFFIX}`), `${JSON.stringify({ ...manifest, id, name, sha256 }, null, 2)}\n`);
    await rename(staging, path.join(options.userModelsDir, id));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw new UnshakeError('WRITE_FAILED', `Could not copy the model into ${options.userModelsDir}: ${(error as Error).message}`, { cause: error });
  }
  return { id, name };
}

/** The checksum a user model's manifest states (fine-tunes always state one), if it is where its id says. */
async function manifestSha(userModelsDir: string, id: string): Promise<string | undefined> {
  const text = await readFile(path.join(userModelsDir, id, `${id}${MANIFEST_SUFFIX}`), 'utf8').catch(() => null);
  if (text === null) return undefined;
  try {
    const parsed = modelManifestSchema.safeParse(JSON.parse(text) as unknown);
    return parsed.success ? parsed.data.sha256 : undefined;
  } catch {
    return undefined;
  }
}
