import { readdir, stat } from 'node:fs/promises';

/**
 * Each folder's numbered result names (photo-unshaken-2.jpg), listed once and indexed, so a batch
 * of n photos looks up each photo's counters instead of reading and matching the whole folder
 * per photo (n² on main's thread: 32 s to plan a 5,370-file folder). A folder is listed again
 * when its mtime changed (a result written since by this run or another), so a long CLI run sees what a fresh listing would.
 */
export class ResultListing {
  readonly #folders = new Map<string, Promise<FolderIndex>>();

  /**
   * The counters under which `folder` may hold a result named by `nameOf` with `extension`: 0
   * (the plain name, always tried, as stat sees it), then 2, 3… ascending. Compared as the disk
   * may (without case, composed accents alike): the caller's stat decides.
   */
  async countersIn(folder: string, extension: string, nameOf: (counter: number) => string): Promise<number[]> {
    const index = await this.#indexOf(folder);
    const counters = new Set<number>();
    for (const digits of index.digits) {
      // A long photo's name is shortened to fit the counter (output-path.ts): by its digits' bytes.
      const sample = digits === 1 ? 2 : 10 ** (digits - 1);
      const parsed = parseNumbered(same(nameOf(sample)));
      // Extensions are one dot and letters (resultExtension, extensionFor): the parse splits them off.
      if (!parsed || parsed.extension !== same(extension)) continue;
      for (const counter of index.byKey.get(keyOf(parsed)) ?? []) counters.add(counter);
    }
    return [0, ...[...counters].sort((a, b) => a - b)];
  }

  async #indexOf(folder: string): Promise<FolderIndex> {
    const mtime = await stat(folder).then((s) => s.mtimeMs, () => null);
    const known = this.#folders.get(folder);
    if (known && (await known).mtime === mtime) return known;
    const fresh = readdir(folder).catch(() => [] as string[]).then((names) => indexNames(names, mtime));
    this.#folders.set(folder, fresh);
    return fresh;
  }
}

interface FolderIndex {
  mtime: number | null;
  /** Counters by name without them (and their digit count: a shortened name depends on it). */
  byKey: Map<string, number[]>;
  /** The digit counts present: the few names to make per photo. */
  digits: Set<number>;
}

interface Numbered {
  before: string;
  counter: string;
  extension: string;
}

const same = (name: string) => name.normalize('NFC').toLowerCase();
const parseNumbered = (name: string): Numbered | null => {
  const match = /^(.*)-(\d+)(\.[^.]+)$/.exec(name);
  return match ? { before: match[1]!, counter: match[2]!, extension: match[3]! } : null;
};
const keyOf = ({ before, counter, extension }: Numbered) => `${counter.length}\n${extension}\n${before}`;

/** Each name parsed once: only -2, -3… as planBatch writes them (no leading zeros) count. */
function indexNames(names: readonly string[], mtime: number | null): FolderIndex {
  const byKey = new Map<string, number[]>();
  const digits = new Set<number>();
  for (const name of names) {
    const parsed = parseNumbered(same(name));
    if (!parsed) continue;
    const counter = Number(parsed.counter);
    if (!Number.isSafeInteger(counter) || counter < 2 || String(counter) !== parsed.counter) continue;
    const key = keyOf(parsed);
    byKey.set(key, [...(byKey.get(key) ?? []), counter]);
    digits.add(parsed.counter.length);
  }
  return { mtime, byKey, digits };
}
