import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';

/** One evaluation pair: a blurred photo and its sharp ground truth. */
export interface ImagePair {
  name: string;
  blurred: string;
  sharp: string;
}

const IMAGE_EXT = /\.(png|jpe?g|tiff?|webp)$/i;

/**
 * Pairs of a set folder: an index.tsv with `blurred` and `sharp` columns (paths relative to
 * the folder), or else `blur/` (or `blurred/`) and `sharp/` subfolders with matching names.
 */
export async function findPairs(setDir: string): Promise<ImagePair[]> {
  const dir = path.resolve(setDir);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new UnshakeError('FILE_NOT_FOUND', `The evaluation set ${setDir} is not a folder.`);
  const index = await readFile(path.join(dir, 'index.tsv'), 'utf8').catch(() => null);
  const pairs = index === null ? await folderPairs(dir) : tsvPairs(dir, index);
  if (pairs.length === 0) {
    throw new UnshakeError('INVALID_REQUEST', `No blurred/sharp pairs in ${setDir}: add an index.tsv (columns blurred, sharp) or blur/ and sharp/ folders.`);
  }
  return pairs;
}

function tsvPairs(dir: string, text: string): ImagePair[] {
  const [header, ...rows] = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const columns = (header ?? '').split('\t').map((c) => c.trim());
  const b = columns.indexOf('blurred');
  const s = columns.indexOf('sharp');
  if (b < 0 || s < 0) {
    throw new UnshakeError('INVALID_REQUEST', `${path.join(dir, 'index.tsv')} needs "blurred" and "sharp" columns (found: ${columns.join(', ')}).`);
  }
  return rows.map((row) => {
    const cells = row.split('\t');
    const blurred = cells[b]?.trim() ?? '';
    return { name: path.basename(blurred), blurred: path.join(dir, blurred), sharp: path.join(dir, cells[s]?.trim() ?? '') };
  });
}

async function folderPairs(dir: string): Promise<ImagePair[]> {
  const blurDir = (await firstDir(dir, ['blur', 'blurred'])) ?? path.join(dir, 'blur');
  const sharpDir = path.join(dir, 'sharp');
  const [blurred, sharp] = await Promise.all([listImages(blurDir), listImages(sharpDir)]);
  const sharpSet = new Set(sharp);
  return blurred.filter((n) => sharpSet.has(n)).map((name) => ({ name, blurred: path.join(blurDir, name), sharp: path.join(sharpDir, name) }));
}

async function firstDir(dir: string, names: string[]): Promise<string | undefined> {
  for (const name of names) {
    const candidate = path.join(dir, name);
    if (await stat(candidate).then((s) => s.isDirectory(), () => false)) return candidate;
  }
  return undefined;
}

async function listImages(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => IMAGE_EXT.test(n)).sort();
}
