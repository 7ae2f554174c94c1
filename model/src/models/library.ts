import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelInfo } from '../../../electron/common/ipc-contract.js';
import { UnshakeError } from '../errors.js';
import { idOf, loadDir, MANIFEST_SUFFIX, MAX_MODEL_BYTES, type Entry } from './library-folder.js';
import type { ModelManifest } from './manifest.js';

/**
 * The model library: bundled generators in model/weights plus the user's imported ones, each a
 * `<id>.manifest.json` next to its ONNX file.
 *
 * The id "base" (the settings default) is an alias for the best bundled model: the trained
 * `unshake-base` when it ships, else any other bundled non-placeholder model, else the
 * placeholder. So existing settings pick up the trained model without a migration.
 */
export const BASE_MODEL_ALIAS = 'base';
const PREFERRED_BASE_ID = 'unshake-base';

export interface LibraryOptions {
  userModelsDir?: string;
  /** Override for packaged apps/tests; defaults to model/weights next to this source tree. */
  bundledDir?: string;
}

export interface ResolvedModel {
  manifest: ModelManifest;
  onnxPath: string;
  source: 'bundled' | 'user';
}


export function bundledModelsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../weights');
}

/** A model in the library that cannot be used, and why. */
export type UnusableModel = { id: string; reason: string; source: ResolvedModel['source'] };

/**
 * Models that cannot be listed (a damaged manifest, a bad file name, its ONNX file gone), with
 * why: said, not hidden without a word — a fine-tuned model that vanished from the menus would
 * leave the photographer guessing.
 */
export async function unlistedModels(options: LibraryOptions = {}): Promise<UnusableModel[]> {
  const entries = await loadEntries(options);
  const valid = entries.filter((e) => e.ok);
  const present = new Set(await withFiles(valid));
  const sizes = new Map(await Promise.all(valid.map(async (e) => [e, await fileSize(e)] as const)));
  return entries.flatMap((e) => {
    if (!e.ok) return [{ id: e.id, reason: e.reason, source: e.source }];
    if (present.has(e)) return [];
    const size = sizes.get(e);
    const reason = size === undefined ? `its file ${e.manifest.file} is missing from ${e.dir}` : `its file ${e.manifest.file} is ${(size / 2 ** 30).toFixed(1)} GiB; ONNX models cannot exceed 2 GiB`;
    return [{ id: e.manifest.id, reason, source: e.source }];
  });
}

/** Valid manifests whose ONNX file exists (checksums are verified when a model is resolved). */
export async function listModels(options: LibraryOptions = {}): Promise<ModelInfo[]> {
  const entries = await withFiles((await loadEntries(options)).filter((e) => e.ok));
  const infos = entries.map((e) => toInfo(e.manifest, e.source));
  const base = pickBase(entries);
  if (!base || entries.some((e) => e.manifest.id === BASE_MODEL_ALIAS)) return infos;
  const alias: ModelInfo = {
    ...toInfo(base.manifest, 'bundled'),
    id: BASE_MODEL_ALIAS,
    name: `Base model — ${base.manifest.name}`,
    description: `The best model shipped with this version of Unshake. ${base.manifest.description}`,
    aliasOf: base.manifest.id,
  };
  return [alias, ...infos];
}

/** The model `id` names, checked and verified against its manifest's checksum: what the engine runs. */
export async function resolveModel(id: string, options: LibraryOptions = {}): Promise<ResolvedModel> {
  const model = await locateModel(id, options);
  const bytes = await readModelFile(model.manifest, model.onnxPath);
  if (model.manifest.sha256 && createHash('sha256').update(bytes).digest('hex') !== model.manifest.sha256) {
    throw new UnshakeError('MODEL_INVALID', `The model file ${model.manifest.file} does not match its manifest checksum; it may be damaged or changed since it was made. Remove it (Your models, in the Fine-tune panel) and import it again from a good copy with Import model…, or reinstall Unshake for a shipped model.`);
  }
  return model;
}

/**
 * The model `id` names, with its manifest read and its file there, but the file not read: a check
 * cheap enough for the app's main process (a batch's model before its photos are queued).
 */
export async function locateModel(id: string, options: LibraryOptions = {}): Promise<ResolvedModel> {
  const entries = await loadEntries(options);
  const valid = entries.filter((e) => e.ok);
  // A bundled model literally called "base" wins; otherwise the alias picks the best bundled one.
  // The alias picks among models whose file is there, as listModels does: a bundled model with
  // its ONNX file missing must not hide the working one the list offered.
  // By its name too ("My pairs" for my-pairs), as the app's menus show models, when one has it.
  const named = valid.filter((e) => e.manifest.name.toLowerCase() === id.toLowerCase());
  // A shipped model first: a user's model with its id (or "base") is listed as unusable, never run.
  const entry =
    entries.find((e) => e.source === 'bundled' && idOf(e) === id) ??
    (id === BASE_MODEL_ALIAS ? pickBase(await withFiles(valid)) : undefined) ??
    entries.find((e) => idOf(e) === id) ??
    (named.length === 1 ? named[0] : undefined);
  if (!entry) {
    const known = [BASE_MODEL_ALIAS, ...valid.map((e) => e.manifest.id)].join(', ');
    throw new UnshakeError('MODEL_NOT_FOUND', `No model with id "${id}" is installed (available: ${known}).`);
  }
  if (!entry.ok) throw new UnshakeError('MODEL_INVALID', `The model "${entry.id}" cannot be used: ${entry.reason}.`);
  const { manifest, dir, source } = entry;
  const onnxPath = path.join(dir, manifest.file);
  await modelFileSize(manifest, onnxPath);
  return { manifest, onnxPath, source };
}

/**
 * The folder of a model in the user's library, to remove it: models made by the fine-tuner (and
 * folders copied in) have one each. Bundled models, and a manifest placed loose in the models
 * folder, are refused with what to do instead.
 */
export async function userModelFolder(id: string, options: LibraryOptions & { userModelsDir: string }): Promise<string> {
  // The user's own first: one whose id a shipped model took is listed as unusable and removable.
  const entries = await loadEntries(options);
  const entry = entries.find((e) => e.source === 'user' && idOf(e) === id) ?? entries.find((e) => idOf(e) === id);
  if (!entry) throw new UnshakeError('MODEL_NOT_FOUND', `No model with id "${id}" is installed.`);
  if (entry.source === 'bundled') throw new UnshakeError('INVALID_REQUEST', `"${id}" ships with Unshake and cannot be removed.`);
  // A link to a folder that is not there: the link is all there is to move to the trash.
  if (!entry.ok && entry.brokenLink && path.dirname(path.resolve(entry.dir)) === path.resolve(options.userModelsDir)) return entry.dir;
  // A damaged model too: its folder is what the user would otherwise have to find by hand.
  const folder = entry.dir;
  const manifests = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith(MANIFEST_SUFFIX));
  // The folder goes to the trash whole: only when it is this model's alone.
  if (path.dirname(path.resolve(folder)) !== path.resolve(options.userModelsDir) || manifests.length > 1) {
    throw new UnshakeError('INVALID_REQUEST', `The model "${id}" is not in a folder of its own; remove its files from ${folder} by hand.`);
  }
  // A linked folder (a model kept on another disk) is this path, the link: the link goes to the
  // trash, the files it points to stay where the user put them.
  return folder;
}

/**
 * The manifest file of a model in the user's library, to rewrite its name (Rename). A shipped
 * model, and a damaged one, are refused in words.
 */
export async function userModelManifest(id: string, options: LibraryOptions & { userModelsDir: string }): Promise<{ manifest: ModelManifest; manifestPath: string }> {
  const entries = await loadEntries(options);
  const entry = entries.find((e) => e.source === 'user' && idOf(e) === id) ?? entries.find((e) => idOf(e) === id);
  if (id === BASE_MODEL_ALIAS || entry?.source === 'bundled') {
    const name = entry?.ok ? entry.manifest.name : id;
    throw new UnshakeError('INVALID_REQUEST', `“${name}” ships with Unshake and cannot be renamed.`);
  }
  if (!entry) throw new UnshakeError('MODEL_NOT_FOUND', `No model with id "${id}" is installed.`);
  if (!entry.ok) throw new UnshakeError('MODEL_INVALID', `The model "${id}" cannot be renamed: ${entry.reason}.`);
  return { manifest: entry.manifest, manifestPath: path.join(entry.dir, entry.manifestFile) };
}

function modelFileError(manifest: ModelManifest, onnxPath: string, why: string): UnshakeError {
  return new UnshakeError('MODEL_INVALID', `The model "${manifest.id}" cannot be used: its file ${onnxPath} ${why}.`);
}

async function modelFileSize(manifest: ModelManifest, onnxPath: string): Promise<number> {
  const fail = (why: string): never => {
    throw modelFileError(manifest, onnxPath, why);
  };
  const size = await stat(onnxPath).then(
    (s) => (s.isFile() ? s.size : fail('is not a file')),
    (error: NodeJS.ErrnoException) => fail(error.code === 'ENOENT' ? 'is missing' : `cannot be read (${error.message})`),
  );
  if (size > MAX_MODEL_BYTES) fail(`is ${(size / 2 ** 30).toFixed(1)} GiB; ONNX models cannot exceed 2 GiB`);
  return size;
}

async function readModelFile(manifest: ModelManifest, onnxPath: string): Promise<Buffer> {
  // Checked again: the file may have gone or grown since it was located.
  await modelFileSize(manifest, onnxPath);
  return readFile(onnxPath).catch((error: Error) => {
    throw modelFileError(manifest, onnxPath, `cannot be read (${error.message})`);
  });
}

function toInfo(m: ModelManifest, source: ResolvedModel['source']): ModelInfo {
  return { id: m.id, name: m.name, placeholder: m.placeholder, description: m.description, parameters: m.parameters, source, sizeMultiple: m.io.sizeMultiple };
}

/** The size of an entry's ONNX file; undefined when it is not there (or not a file). */
const fileSize = (e: Entry & { ok: true }): Promise<number | undefined> =>
  stat(path.join(e.dir, e.manifest.file)).then((s) => (s.isFile() ? s.size : undefined), () => undefined);

/** The entries whose ONNX file exists and is not over 2 GiB (never loadable: listed as unusable, not offered). */
async function withFiles<E extends Entry & { ok: true }>(entries: E[]): Promise<E[]> {
  const sizes = await Promise.all(entries.map(fileSize));
  return entries.filter((_, i) => sizes[i] !== undefined && sizes[i] <= MAX_MODEL_BYTES);
}

function pickBase<E extends Entry & { ok: true }>(entries: E[]): E | undefined {
  const bundled = entries.filter((e) => e.source === 'bundled');
  return (
    bundled.find((e) => e.manifest.id === PREFERRED_BASE_ID) ??
    bundled.find((e) => !e.manifest.placeholder) ??
    bundled[0]
  );
}

async function loadEntries(options: LibraryOptions): Promise<Entry[]> {
  const bundled = await loadDir(options.bundledDir ?? bundledModelsDir(), 'bundled');
  const user = options.userModelsDir ? await loadDir(options.userModelsDir, 'user') : [];
  // Bundled ids (and the alias) win: an imported file must not silently replace a shipped model.
  // Nor is it dropped without a word: it is listed as unusable, with what to do, so that it can
  // be found and removed (it comes after the bundled one, which lookups by id find first).
  const taken = new Set([BASE_MODEL_ALIAS, ...bundled.map(idOf)]);
  const shadowed = (e: Entry): Entry =>
    e.ok && taken.has(idOf(e))
      ? { ok: false, id: idOf(e), dir: e.dir, source: e.source, named: e.named, reason: `its id "${idOf(e)}" is taken by a model shipped with Unshake; change "id" in its manifest (and the manifest's file name) to use it` }
      : e;
  return [...bundled, ...oneEntryPerId(user).map(shadowed)];
}

/**
 * A copied model folder ("backup of crop-64", "crop-64 (copy)") carries the same id as the
 * original. Two entries with one id broke the app's picker and let the copy shadow a model
 * trained later under that name, so each id is one model: the one stored where its id says,
 * else the first in name order. The others are not listed.
 */
function oneEntryPerId(entries: Entry[]): Entry[] {
  const chosen = new Map<string, Entry>();
  for (const e of entries) {
    const held = chosen.get(idOf(e));
    if (!held || (e.named && !held.named)) chosen.set(idOf(e), e);
  }
  return entries.filter((e) => chosen.get(idOf(e)) === e);
}
