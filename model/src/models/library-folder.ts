import type { Dirent } from 'node:fs';
import { readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { modelManifestSchema, type ModelManifest } from './manifest.js';
import { NotRegularFile, openRegularFile, readCapped } from './regular-file.js';

/**
 * Reading one folder of the model library (library.ts): its manifests, its model folders one level
 * down, bare ONNX files and links to nothing, each an entry, usable or listed with why not.
 */

export const MANIFEST_SUFFIX = '.manifest.json';

/** ONNX files are protobufs, which cannot exceed 2 GiB; Node cannot read a bigger file at once either. */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** A manifest is a few KB of JSON: anything far bigger is another file, and read whole would take main's memory. */
export const MAX_MANIFEST_BYTES = 1024 ** 2;

type Source = 'bundled' | 'user';

/** `named`: the manifest sits where its id says (`<id>.manifest.json`, in folder `<id>/` if nested). */
export type Entry =
  | { ok: true; manifest: ModelManifest; dir: string; source: Source; named: boolean; manifestFile: string }
  | { ok: false; id: string; reason: string; dir: string; source: Source; named: boolean; brokenLink?: boolean };

export const idOf = (e: Entry): string => (e.ok ? e.manifest.id : e.id);

export async function loadDir(dir: string, source: Source, nested = false): Promise<Entry[]> {
  const entries = await followLinks(dir, await readdir(dir, { withFileTypes: true }).catch(() => []));
  const files = entries.filter((e) => e.isFile && e.name.endsWith(MANIFEST_SUFFIX)).map((e) => e.name).sort();
  const flat = await Promise.all(files.map((name) => loadManifest(dir, name, source)));
  if (source === 'bundled' && !nested) return flat;
  // An ONNX file no manifest here names (another app's model, a file copied in alone) is listed, not ignored.
  const named = new Set(flat.flatMap((e) => (e.ok ? [e.manifest.file] : [])));
  const bare = entries.filter((e) => e.isFile && e.name.toLowerCase().endsWith('.onnx') && !named.has(e.name) && !e.name.startsWith('.')).map((e) => e.name).sort();
  const noManifest = (id: string, what: string): Entry => ({ ok: false, id, dir, source, named: true, reason: `no manifest (${what} has no <id>.manifest.json beside it, which Unshake needs to run a model; it may be another app's model)` });
  if (nested) return flat.length === 0 && bare.length > 0 ? [noManifest(path.basename(dir), `its folder's ${bare[0]}`)] : flat;
  const loose = bare.map((name) => noManifest(name.slice(0, -'.onnx'.length), name));
  const broken = entries.flatMap((e) => (e.brokenTo !== undefined && !e.name.startsWith('.') ? [brokenLinkEntry(dir, { ...e, brokenTo: e.brokenTo }, source)] : []));
  // Fine-tuned models live one folder each (<id>/model.onnx + <id>.manifest.json, training.json);
  // dot-folders hold training checkpoints and are not models. Only one level down, so a link
  // that points back up (a loop) is read once, not followed round.
  const folders = entries.filter((e) => e.isDirectory && !e.name.startsWith('.')).map((e) => e.name).sort();
  const inFolders = await Promise.all(
    folders.map(async (name) => (await loadDir(path.join(dir, name), 'bundled', true)).map((e) => ({ ...e, source, named: e.named && idOf(e) === name }))),
  );
  return [...flat, ...loose, ...inFolders.flat(), ...broken];
}

/** A name in a folder: a symbolic link is taken as what it points to; `brokenTo` is where a link to nothing points. */
type Named = { name: string; isFile: boolean; isDirectory: boolean; brokenTo?: string };

/**
 * What each name is, a symbolic link taken as what it points to: a model folder kept on another
 * disk and linked into the models folder is a model like the others. A link to nothing (the disk
 * not connected) keeps where it points, so the model is listed as unusable rather than gone.
 */
async function followLinks(dir: string, entries: Dirent[]): Promise<Named[]> {
  return Promise.all(
    entries.map(async (e): Promise<Named> => {
      if (!e.isSymbolicLink()) return { name: e.name, isFile: e.isFile(), isDirectory: e.isDirectory() };
      const at = path.join(dir, e.name);
      const target = await stat(at).catch(() => null);
      if (target) return { name: e.name, isFile: target.isFile(), isDirectory: target.isDirectory() };
      const to = await readlink(at).catch(() => e.name);
      return { name: e.name, isFile: false, isDirectory: false, brokenTo: path.resolve(dir, to) };
    }),
  );
}

/** A model whose folder (or manifest) is a link to nothing: listed with where it points, a disk perhaps not connected. */
function brokenLinkEntry(dir: string, e: Named & { brokenTo: string }, source: Source): Entry {
  const manifest = e.name.endsWith(MANIFEST_SUFFIX);
  const id = manifest ? e.name.slice(0, -MANIFEST_SUFFIX.length) : e.name;
  const what = manifest ? 'its manifest' : 'its folder';
  return { ok: false, id, dir: manifest ? dir : path.join(dir, e.name), source, named: true, brokenLink: !manifest, reason: `${what} links to ${e.brokenTo}, which is not there (is the disk it is on connected?)` };
}

/**
 * One manifest, read and checked: a model entry, or why it cannot be one (the library's and
 * Import's rule). Import reads a link to no manifest (`followLinks: false`); the library does, as a
 * model folder kept on another disk may be linked in.
 */
export async function loadManifest(dir: string, name: string, source: Source, { followLinks = true }: { followLinks?: boolean } = {}): Promise<Entry> {
  const id = name.slice(0, -MANIFEST_SUFFIX.length);
  const failed = (reason: string): Entry => ({ ok: false, id, dir, source, named: true, reason });
  let json: unknown;
  try {
    json = JSON.parse(await readManifest(path.join(dir, name), followLinks));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (error instanceof NotRegularFile) return failed(`its manifest ${name} ${why}`);
    return failed(error instanceof SyntaxError ? `its manifest ${name} is damaged (not valid JSON: ${why})` : `its manifest ${name} cannot be read (${why})`);
  }
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return failed(`its manifest ${name} is not a model manifest (${issue?.path.join('.') || 'manifest'}: ${issue?.message ?? 'invalid'})`);
  }
  const manifest = parsed.data;
  // The ONNX file must sit next to the manifest: no paths that escape the models folder.
  if (path.basename(manifest.file) !== manifest.file || manifest.file.startsWith('.')) {
    return failed(`file "${manifest.file}" must be a plain file name next to the manifest`);
  }
  return { ok: true, manifest, dir, source, named: manifest.id === id, manifestFile: name };
}

async function readManifest(file: string, followLinks: boolean): Promise<string> {
  const { handle, size } = await openRegularFile(file, { followLinks });
  try {
    const tooBig = (bytes: number) => new NotRegularFile(`is ${(bytes / 1024 ** 2).toFixed(1)} MB; a model manifest is a few KB of JSON (is it the right file?)`);
    if (size > MAX_MANIFEST_BYTES) throw tooBig(size);
    const bytes = await readCapped(handle, MAX_MANIFEST_BYTES);
    if (bytes.length > MAX_MANIFEST_BYTES) throw tooBig(bytes.length);
    return bytes.toString('utf8');
  } finally {
    await handle.close();
  }
}
