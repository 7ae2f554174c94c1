import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { discoverPairs, type Discovery } from '../train/pair-discovery.js';
import type { SkippedPair } from './evaluate.js';

/** One evaluation pair: a blurred photo and its sharp ground truth. */
export interface ImagePair {
  /** The blurred file's path inside the set folder (unique, readable in reports). */
  name: string;
  blurred: string;
  sharp: string;
}

export interface EvalSet {
  pairs: ImagePair[];
  /**
   * Blurred photos without a sharp partner: pairs of the set that cannot be scored, skipped as a
   * damaged pair or a file missing from an index.tsv is (named by the blurred file, as pairs are).
   */
  unpaired: SkippedPair[];
  /** Sharp photos without a blurred one: nothing to score, said but not a skipped pair. */
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
  const name = (file: string) => path.relative(dir, file).split(path.sep).join('/');
  const pairs = found.pairs.map((p) => ({ name: name(p.blurred), blurred: p.blurred, sharp: p.sharp }));
  // A refused index.tsv row by its line: several would otherwise all be "index.tsv" in the summary.
  const unpaired = found.unmatched.filter((u) => u.side === 'blurred').map((u) => ({ name: `${name(u.file)}${u.line ? ` line ${u.line}` : ''}`, reason: u.reason }));
  return { pairs, unpaired, unmatched: found.unmatched.filter((u) => u.side === 'sharp') };
}

/**
 * The first `limit` entries of a set in name order, pairs and unpaired blurred photos alike, so
 * --limit takes the same photos whether or not one of them lacks its partner.
 */
export function firstOfSet(set: EvalSet, limit = Infinity): Pick<EvalSet, 'pairs' | 'unpaired'> {
  const entries: ({ name: string; pair: ImagePair } | { name: string; unpaired: SkippedPair })[] = [
    ...set.pairs.map((pair) => ({ name: pair.name, pair })),
    ...set.unpaired.map((unpaired) => ({ name: unpaired.name, unpaired })),
  ];
  // An index.tsv's rows keep their order (it has no unpaired files); folders are listed by name.
  if (set.unpaired.length > 0) entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const first = entries.slice(0, limit);
  return { pairs: first.flatMap((e) => ('pair' in e ? [e.pair] : [])), unpaired: first.flatMap((e) => ('unpaired' in e ? [e.unpaired] : [])) };
}
