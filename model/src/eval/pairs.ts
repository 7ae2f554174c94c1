import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { discoverPairs, type Discovery } from '../train/pair-discovery.js';

/** One evaluation pair: a blurred photo and its sharp ground truth. */
export interface ImagePair {
  /** The blurred file's path inside the set folder (unique, readable in reports). */
  name: string;
  blurred: string;
  sharp: string;
}

export interface EvalSet {
  pairs: ImagePair[];
  /** Files without a partner, with the reason, for the report: never dropped silently. */
  unmatched: Discovery['unmatched'];
}

/**
 * Pairs of a set folder, found exactly as the fine-tuner finds them (pair-discovery.ts): an
 * index.tsv with `blurred` and `sharp` columns, `blur/` (or `blurred/`) + `sharp/` folders matched
 * by name whatever the extension, or `name_blur` / `name_sharp` siblings.
 */
export async function findPairs(setDir: string): Promise<EvalSet> {
  const dir = path.resolve(setDir);
  const found = await discoverPairs(dir);
  if (found.pairs.length === 0) {
    throw new UnshakeError('INVALID_REQUEST', `No blurred/sharp pairs in ${setDir}: add an index.tsv (columns blurred, sharp), blur/ and sharp/ folders, or name_blur / name_sharp files.`);
  }
  const pairs = found.pairs.map((p) => ({ name: path.relative(dir, p.blurred).split(path.sep).join('/'), blurred: p.blurred, sharp: p.sharp }));
  return { pairs, unmatched: found.unmatched };
}
