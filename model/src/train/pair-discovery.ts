import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { isTrainingPhotoName } from '../../../electron/common/photo-types.js';
import { namedFew } from '../../../electron/common/named-few.js';

/**
 * Finds blurred/sharp pairs in the layouts photographers actually have, in this order:
 * an `index.tsv` with `blurred` and `sharp` columns; `blur/` (or `blurred/`) + `sharp/`
 * subfolders matched by file name (extension and letter case may differ); `name_blur.ext` /
 * `name_sharp.ext` siblings. Files without a partner are reported, not silently dropped.
 */
export interface PairCandidate {
  name: string;
  blurred: string;
  sharp: string;
}

export interface Discovery {
  layout: 'index.tsv' | 'folders' | 'siblings';
  pairs: PairCandidate[];
  /**
   * Files that have no partner, with a reason (shown in the validation report); `side` says which
   * kind the file is: a blurred photo without its sharp one is a pair eval cannot score. `line`:
   * the index.tsv row a refused row was on.
   */
  unmatched: { file: string; reason: string; side: 'blurred' | 'sharp'; line?: number }[];
}

const stem = (file: string) => path.basename(file).replace(/\.[^.]+$/, '');
const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);

/** The photos fine-tuning reads in `dir` (photo-types.ts: the app's photos, GIF aside), by name. */
async function images(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter(isTrainingPhotoName).sort();
}

/**
 * Whether an index.tsv cell names a file outside its folder: absolute in POSIX or Windows terms
 * (`/x`, `C:\x`, `C:x`, a `\\host\share` network share) or climbing out with `..`. Judged with
 * `\` as a separator too, so an index means the same on every system. Only what the user
 * handed over is read (decisions.md, "index.tsv rows name files inside their folder").
 */
function outsideFolder(cell: string): boolean {
  const slashed = cell.replace(/\\/g, '/');
  if (path.posix.isAbsolute(slashed) || path.win32.isAbsolute(cell) || /^[a-z]:/i.test(cell)) return true;
  return path.posix.normalize(slashed).split('/')[0] === '..';
}

function fromIndex(dir: string, text: string): Discovery {
  const lines = text.split(/\r?\n/).map((line, i) => ({ line, number: i + 1 })).filter(({ line }) => line.trim() !== '' && !line.startsWith('#'));
  const [header, ...rows] = lines;
  const columns = (header?.line ?? '').split('\t').map((c) => c.trim());
  const b = columns.indexOf('blurred');
  const s = columns.indexOf('sharp');
  if (b < 0 || s < 0) {
    throw new UnshakeError('INVALID_REQUEST', `${path.join(dir, 'index.tsv')} needs "blurred" and "sharp" columns (found: ${columns.join(', ')}).`);
  }
  const pairs: PairCandidate[] = [];
  const unmatched: Discovery['unmatched'] = [];
  /** The line each pair of files was first listed on: a repeated row would be scored twice. */
  const listed = new Map<string, number>();
  for (const { line, number } of rows) {
    const cells = line.split('\t').map((c) => c.trim());
    const blurred = cells[b] ?? '';
    const sharp = cells[s] ?? '';
    const outside = [blurred, sharp].find(outsideFolder);
    const files = { blurred: path.resolve(dir, blurred), sharp: path.resolve(dir, sharp) };
    const key = `${files.blurred}\0${files.sharp}`;
    // An empty cell would resolve to the folder itself ("… is a folder"): said as the row's mistake.
    const problem = !blurred
      ? `line ${number}: no blurred file given`
      : !sharp
        ? `line ${number}: no sharp file given`
        : outside !== undefined
          ? `line ${number} names a file outside the folder: ${outside}; list the photos inside it, by their path from the folder`
          : listed.has(key)
            ? `line ${number} repeats line ${listed.get(key)}: each pair is used once`
            : null;
    if (problem !== null) {
      // Counted as a blurred photo without its partner: a pair eval cannot score either.
      unmatched.push({ file: path.join(dir, 'index.tsv'), reason: problem, side: 'blurred', line: number });
      continue;
    }
    listed.set(key, number);
    // Named by the blurred file's path as listed, less its extension: rows from different
    // folders often share a file name (seqA/blur/000047.png, seqB/blur/000047.png).
    pairs.push({ name: blurred.replace(/\\/g, '/').replace(/\.[^./]+$/, ''), ...files });
  }
  return { layout: 'index.tsv', pairs, unmatched };
}

/** One side's files by match key; the key is lower-cased, as macOS and Windows compare names. */
type KeyedFiles = { key: string; name: string }[];
type Keyed = Map<string, KeyedFiles>;

function keyed(names: readonly string[], keyOf: (name: string) => string | null): Keyed {
  const out: Keyed = new Map();
  for (const name of names) {
    const key = keyOf(name);
    if (key !== null) out.set(key.toLowerCase(), [...(out.get(key.toLowerCase()) ?? []), { key, name }]);
  }
  return out;
}

interface SideOf {
  dir: string;
  /** How a file of this side is named in reasons: "blur/IMG_1.JPG", or the bare name for siblings. */
  label: (name: string) => string;
  /** Why one of this side's files has no partner. */
  missing: (key: string) => string;
}

/**
 * Pairs blurred and sharp files whose keys match ignoring letter case ("IMG_1000.JPG" with
 * "img_1000.png": the same name where most photos are exported). Two files of one side with one
 * key (possible on Linux, or the same name with two extensions) leave the pair ambiguous: all of
 * that key's files are skipped, saying which, rather than one picked silently.
 */
function pairUp(blurred: Keyed, sharp: Keyed, b: SideOf, s: SideOf): Pick<Discovery, 'pairs' | 'unmatched'> {
  const pairs: PairCandidate[] = [];
  const unmatched: Discovery['unmatched'] = [];
  const ambiguous = (bs: KeyedFiles, ss: KeyedFiles) => {
    const twins = [...(bs.length > 1 ? bs.map((f) => b.label(f.name)) : []), ...(ss.length > 1 ? ss.map((f) => s.label(f.name)) : [])];
    const reason = `ambiguous: ${twins.join(' and ')} have the same name apart from letter case or extension; keep one of them so each photo has one partner`;
    for (const f of bs) unmatched.push({ file: path.join(b.dir, f.name), reason, side: 'blurred' });
    for (const f of ss) unmatched.push({ file: path.join(s.dir, f.name), reason, side: 'sharp' });
  };
  for (const [k, bs] of blurred) {
    const ss = sharp.get(k) ?? [];
    sharp.delete(k);
    if (bs.length > 1 || ss.length > 1) ambiguous(bs, ss);
    else if (ss[0]) pairs.push({ name: bs[0]!.key, blurred: path.join(b.dir, bs[0]!.name), sharp: path.join(s.dir, ss[0].name) });
    else unmatched.push({ file: path.join(b.dir, bs[0]!.name), reason: b.missing(bs[0]!.key), side: 'blurred' });
  }
  for (const ss of sharp.values()) {
    if (ss.length > 1) ambiguous([], ss);
    else unmatched.push({ file: path.join(s.dir, ss[0]!.name), reason: s.missing(ss[0]!.key), side: 'sharp' });
  }
  return { pairs, unmatched };
}

async function fromFolders(blurDir: string, sharpDir: string): Promise<Discovery> {
  const [blurred, sharp] = await Promise.all([images(blurDir), images(sharpDir)]);
  const found = pairUp(
    keyed(blurred, stem),
    keyed(sharp, stem),
    { dir: blurDir, label: (n) => `blur/${n}`, missing: (key) => `no sharp/${key}.* to pair with` },
    { dir: sharpDir, label: (n) => `sharp/${n}`, missing: (key) => `no blur/${key}.* to pair with` },
  );
  return { layout: 'folders', ...found };
}

async function fromSiblings(dir: string): Promise<Discovery> {
  const files = await images(dir);
  const tagged = (tag: string) => keyed(files, (n) => new RegExp(`^(.*)[_-]${tag}$`, 'i').exec(stem(n))?.[1] ?? null);
  const found = pairUp(
    tagged('blur(?:red)?'),
    tagged('sharp'),
    { dir, label: (n) => n, missing: (key) => `no ${key}_sharp.* to pair with` },
    { dir, label: (n) => n, missing: (key) => `no ${key}_blur.* to pair with` },
  );
  return { layout: 'siblings', ...found };
}

export async function discoverPairs(folder: string): Promise<Discovery> {
  const dir = path.resolve(folder);
  if (!(await isDir(dir))) throw new UnshakeError('FILE_NOT_FOUND', `The pairs folder ${folder} does not exist or is not a folder.`);
  const index = await readFile(path.join(dir, 'index.tsv'), 'utf8').catch(() => null);
  if (index !== null) return fromIndex(dir, index);
  const blurName = await blurFolderBesideSharp(dir);
  return blurName ? fromFolders(path.join(dir, blurName), path.join(dir, 'sharp')) : fromSiblings(dir);
}

/** `blur` or `blurred`, when `dir` has that folder and a `sharp` one beside it; else null. */
async function blurFolderBesideSharp(dir: string): Promise<string | null> {
  if (!(await isDir(path.join(dir, 'sharp')))) return null;
  for (const blurName of ['blur', 'blurred']) if (await isDir(path.join(dir, blurName))) return blurName;
  return null;
}

/** The pairs layout `dir` has (index.tsv, or blur/ + sharp/ folders), in words; null for none. */
export async function pairsLayoutIn(dir: string): Promise<string | null> {
  if (await stat(path.join(dir, 'index.tsv')).then((s) => s.isFile(), () => false)) return 'an index.tsv of pairs';
  const blurName = await blurFolderBesideSharp(dir);
  return blurName ? `${blurName}/ and sharp/ folders of pairs` : null;
}

/**
 * Why a folder gave no pairs at all (nothing found, so nothing rejected): empty, one of the two
 * folders missing, or photos that are not named as pairs. Says how to lay the pairs out, and
 * that sharp photos alone are a training source too.
 */
export async function noPairsMessage(folder: string): Promise<string> {
  const dir = path.resolve(folder);
  const entries = (await readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.'));
  const howTo = 'Put the blurred photos in a blur folder and their sharp versions, under the same names, in a sharp folder beside it (or name them photo_blur.jpg and photo_sharp.jpg)';
  if (entries.length === 0) return `${folder} is empty. ${howTo}.`;
  for (const [has, lacks] of [['blur', 'sharp'], ['blurred', 'sharp'], ['sharp', 'blur']] as const) {
    if ((await isDir(path.join(dir, has))) && !(await isDir(path.join(dir, lacks)))) {
      return `${folder} has a ${has} folder but no ${lacks} folder beside it, so no photo has a partner. ${howTo}.`;
    }
  }
  const photos = (await images(dir)).length;
  // A parent of the pairs' folder (sessions, days): the subfolders that hold pairs are the ones to choose.
  const below = await subfoldersWithPairs(dir);
  if (below.length > 0) {
    const what = photos === 0 ? 'holds no photos itself' : `holds ${photos === 1 ? 'a photo' : `${photos} photos`} but no pairs itself`;
    const where = below.length === 1 ? `its subfolder ${below[0]} does` : `its subfolders ${namedFew(below, MAX_FOLDERS_NAMED, { beforeMore: ', ' })} do`;
    return `${folder} ${what}; ${where}, and subfolders are not read: choose ${below.length === 1 ? 'that folder' : 'one of them'} instead.`;
  }
  if (photos === 0) return `${folder} holds no photos. ${howTo}.`;
  return `${folder} holds ${photos === 1 ? 'a photo' : `${photos} photos`} but no pairs. ${howTo}; to train on sharp photos alone, use sharp photos only (--sharp).`;
}

const MAX_FOLDERS_NAMED = 5;

/** The subfolders of `dir` (one level down only) laid out as pairs: an index.tsv, blur/ + sharp/, or photo_blur/photo_sharp names. */
async function subfoldersWithPairs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const subs = entries.filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isSymbolicLink())).map((e) => e.name).sort();
  const found = await Promise.all(
    subs.map(async (name) => {
      const sub = path.join(dir, name);
      if (!(await isDir(sub))) return false;
      if ((await pairsLayoutIn(sub)) !== null) return true;
      return (await fromSiblings(sub)).pairs.length > 0;
    }),
  );
  return subs.filter((_, i) => found[i]);
}
