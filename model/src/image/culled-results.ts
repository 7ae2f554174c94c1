import path from 'node:path';
import { NUMBER_ALONE } from '../../../electron/common/settings-schema.js';
import { isOutputName } from './output-path.js';
import { resultSources } from './provenance.js';
import { namedFew } from '../../../electron/common/named-few.js';

/**
 * Which of `names` in `folder` are Unshake's results although no photo of theirs is beside them:
 * named as a result (photo-unshaken.jpg, photo-unshaken-2.png, any of `suffixes`) and carrying
 * the source fingerprint every result is written with. Their photo was culled (deleted as a
 * reject) or moved since: deblurring them again would sharpen a result twice. A photographer's
 * own "x-unshaken.jpg" carries no fingerprint and stays a photo. Only names ending as a result
 * are read, and only their headers (no decode), so a folder of photos costs nothing.
 */
export async function culledResults(folder: string, names: readonly string[], suffixes: readonly string[]): Promise<Set<string>> {
  const results = new Set<string>();
  for (const name of names) {
    if (!suffixes.some((suffix) => isOutputName(name, suffix))) continue;
    // A file that is no image (or unreadable) says nothing: it stays a photo and fails alone.
    if ((await resultSources(path.join(folder, name)).catch(() => null)) !== null) results.add(name);
  }
  return results;
}

/**
 * Which of `names` in `folder` are Unshake's results named with an ending no longer set
 * (a-sharp.jpg after the ending went back to -unshaken): a name that is a photo's (among `stems`)
 * with more after it, carrying the source fingerprint. Without this a later batch deblurred them
 * as photos, sharpening a result twice. Only such names are read, and only their headers.
 */
export async function resultsOfEarlierEndings(folder: string, names: readonly string[], stems: ReadonlySet<string>): Promise<Set<string>> {
  const results = new Set<string>();
  for (const name of names) {
    const stem = path.basename(name, path.extname(name));
    // Each shorter start of the name looked up, not each photo compared: a card of 10,000 photos
    // is planned on main's thread. What follows a photo's name must be able to be an ending: a
    // number alone never is (DSC_10 after DSC_1), so a card numbered without zeros reads no header.
    const starts = Array.from({ length: stem.length - 1 }, (_, i) => stem.slice(0, i + 1));
    if (!starts.some((start) => stems.has(start) && !NUMBER_ALONE.test(stem.slice(start.length)))) continue;
    if ((await resultSources(path.join(folder, name)).catch(() => null)) !== null) results.add(name);
  }
  return results;
}

const MAX_NAMED = 5;

/** Said of the results `culledResults` found, once for a whole batch. */
export function culledResultsNote(files: readonly string[]): string {
  const names = files.map((file) => path.basename(file));
  if (names.length === 1) return `${names[0]} is left out: it is an earlier result of Unshake whose photo is gone (give that file by itself to deblur it again).`;
  return `${names.length} earlier results of Unshake are left out, their photos gone: ${namedFew(names, MAX_NAMED, { beforeMore: ', ' })} (give a file by itself to deblur it again).`;
}

/** Why a folder holding only such results gives no photos. */
export function onlyCulledResultsMessage(folder: string, count: number): string {
  const them = count === 1 ? '1 earlier result of Unshake whose photo is' : `${count} earlier results of Unshake whose photos are`;
  return `${folder} holds no photos, only ${them} gone: a result is not deblurred again (give a file by itself to do so).`;
}
