import { open, type FileHandle } from 'node:fs/promises';

/**
 * Reading and writing TIFF image file directories (IFDs), the structure EXIF is made of. Only
 * what moving EXIF between a TIFF file and an EXIF block needs: IFD0 and its EXIF, GPS and
 * Interoperability sub-directories, values kept as raw bytes. Values are held little-endian
 * whatever the file's byte order, and swapped to the byte order being written.
 */

export interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** The value's bytes, little-endian (each SHORT, LONG, RATIONAL half… in LE order). */
  value: Buffer;
  /** Where an out-of-line value sat in the file or block it was read from. */
  at?: number;
  /** The value's bytes for where it is written (same length): for values holding offsets. */
  place?: (at: number) => Buffer;
}

/** IFD0 and the sub-directories it points to (empty arrays where absent). */
export interface ExifTree {
  /** The byte order it was read in. */
  little: boolean;
  ifd0: IfdEntry[];
  exif: IfdEntry[];
  gps: IfdEntry[];
  interop: IfdEntry[];
}

/** Reads `length` bytes at `offset`; fewer bytes back means the file ends there. */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

/** Reads within the file only: a damaged entry claiming more bytes than there are allocates none. */
async function readAtFile(file: FileHandle): Promise<{ readAt: ReadAt; size: number }> {
  const size = (await file.stat()).size;
  const readAt: ReadAt = async (offset, length) => {
    const available = Math.max(0, Math.min(length, size - offset));
    const bytes = Buffer.alloc(available);
    const { bytesRead } = available > 0 ? await file.read(bytes, 0, available, offset) : { bytesRead: 0 };
    return bytes.subarray(0, bytesRead);
  };
  return { readAt, size };
}

/** A TIFF file opened and its header read: a reader within the file, its size, byte order and IFD0's offset. */
export interface OpenTiff {
  file: FileHandle;
  readAt: ReadAt;
  size: number;
  little: boolean;
  ifd0: number;
}

/**
 * Opens the TIFF at `path` ('r+' to write to it as well), reads its header and hands it to `use`;
 * null where the file has no TIFF header. Closed however `use` ends; an error opening or reading
 * it is the caller's to handle.
 */
export async function withTiffIfd0<T>(path: string, use: (tiff: OpenTiff) => Promise<T>, mode: 'r' | 'r+' = 'r'): Promise<T | null> {
  const file = await open(path, mode);
  try {
    const { readAt, size } = await readAtFile(file);
    const header = tiffHeader(await readAt(0, 8));
    return header ? await use({ file, readAt, size, ...header }) : null;
  } finally {
    await file.close();
  }
}

const TAG = {
  exifPointer: 0x8769,
  gpsPointer: 0x8825,
  interopPointer: 0xa005,
} as const;

const POINTER_TAGS: ReadonlySet<number> = new Set([TAG.exifPointer, TAG.gpsPointer, TAG.interopPointer]);

/** Bytes per value of each TIFF type (BYTE, ASCII, SHORT, LONG, RATIONAL, …, IFD). */
export const TYPE_BYTES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
/** The unit whose bytes a change of byte order reverses: a RATIONAL is two LONGs. */
const SWAP_BYTES: Readonly<Record<number, number>> = { 3: 2, 8: 2, 4: 4, 9: 4, 11: 4, 13: 4, 5: 4, 10: 4, 12: 8 };

/** More entries than any real directory has: a damaged count stops here rather than reading megabytes. */
const MAX_ENTRIES = 1000;
/**
 * What one tree's values may take in all: a camera's EXIF fits a JPEG's 64 KB APP1 segment, and
 * the largest MakerNotes are a few hundred KB. A damaged or crafted file whose entries claim
 * gigabytes stops here instead of taking the memory of the process that opens it.
 */
const TREE_BUDGET_BYTES = 4 * 1024 * 1024;

const LONG = 4;
const IFD = 13;

export interface ReadOptions {
  /** Only entries whose tag this keeps are read (their values too); the others are skipped. */
  keep?: (tag: number) => boolean;
  /** Bytes of values left to read, shared by the directories of one tree. */
  budget?: { left: number };
}

/** A copy of `value` with every unit of `type` byte-reversed (LE ⇄ BE). */
function swapped(value: Buffer, type: number): Buffer {
  const unit = SWAP_BYTES[type] ?? 1;
  const copy = Buffer.from(value);
  if (unit === 2) copy.swap16();
  else if (unit === 4) copy.swap32();
  else if (unit === 8) copy.swap64();
  return copy;
}

function byteLength(entry: Pick<IfdEntry, 'type' | 'count'>): number {
  return (TYPE_BYTES[entry.type] ?? 0) * entry.count;
}

/**
 * One directory's entries and the offset of the next directory. Entries of unknown type, with
 * values outside the file or beyond the budget are left out (`complete` is then false; entries
 * `keep` skips do not count); a directory that cannot be read gives none.
 */
export async function readIfd(readAt: ReadAt, offset: number, little: boolean, { keep, budget = { left: TREE_BUDGET_BYTES } }: ReadOptions = {}): Promise<{ entries: IfdEntry[]; next: number; complete: boolean }> {
  const head = await readAt(offset, 2);
  if (head.length < 2) return { entries: [], next: 0, complete: false };
  const count = little ? head.readUInt16LE(0) : head.readUInt16BE(0);
  if (count === 0 || count > MAX_ENTRIES) return { entries: [], next: 0, complete: count === 0 };
  const table = await readAt(offset + 2, count * 12 + 4);
  const rows = Math.min(count, Math.floor(table.length / 12));
  const u16 = (at: number) => (little ? table.readUInt16LE(at) : table.readUInt16BE(at));
  const u32 = (at: number) => (little ? table.readUInt32LE(at) : table.readUInt32BE(at));
  const entries: IfdEntry[] = [];
  let skipped = 0;
  for (let i = 0; i < rows; i++) {
    const at = i * 12;
    const entry = { tag: u16(at), type: u16(at + 2), count: u32(at + 4) };
    if (keep && !keep(entry.tag)) {
      skipped++;
      continue;
    }
    const length = byteLength(entry);
    if (length === 0 || length > budget.left) continue;
    budget.left -= length;
    const valueAt = length <= 4 ? undefined : u32(at + 8);
    const raw = valueAt === undefined ? table.subarray(at + 8, at + 8 + length) : await readAt(valueAt, length);
    if (raw.length < length) continue;
    entries.push({ ...entry, value: little ? Buffer.from(raw) : swapped(raw, entry.type), at: valueAt });
  }
  const next = table.length >= count * 12 + 4 ? u32(count * 12) : 0;
  return { entries, next, complete: entries.length + skipped === count };
}

/** The offset a pointer entry (EXIF, GPS, Interop) holds, if it is a well-formed one. */
function pointerIn(entries: readonly IfdEntry[], tag: number): number | null {
  const entry = entries.find((e) => e.tag === tag);
  return entry && (entry.type === LONG || entry.type === IFD) && entry.count === 1 ? entry.value.readUInt32LE(0) : null;
}

/** The entries that are not pointers to sub-directories (those are written from the layout). */
const withoutPointers = (entries: readonly IfdEntry[]): IfdEntry[] => entries.filter((e) => !POINTER_TAGS.has(e.tag));

/**
 * IFD0 at `ifd0Offset` and the sub-directories it points to, within one TREE_BUDGET_BYTES.
 * Pointers are not kept as entries. `keepInIfd0`: the IFD0 tags wanted (pointers always are).
 */
export async function readExifTree(readAt: ReadAt, ifd0Offset: number, little: boolean, keepInIfd0?: (tag: number) => boolean): Promise<ExifTree> {
  const budget = { left: TREE_BUDGET_BYTES };
  const visited = new Set<number>([ifd0Offset]);
  const sub = async (entries: readonly IfdEntry[], tag: number): Promise<IfdEntry[]> => {
    const offset = pointerIn(entries, tag);
    // A pointer back to a directory already read would loop (damaged files do this).
    if (offset === null || offset === 0 || visited.has(offset)) return [];
    visited.add(offset);
    return (await readIfd(readAt, offset, little, { budget })).entries;
  };
  const keep = keepInIfd0 ? (tag: number) => POINTER_TAGS.has(tag) || keepInIfd0(tag) : undefined;
  const { entries: ifd0 } = await readIfd(readAt, ifd0Offset, little, { budget, ...(keep ? { keep } : {}) });
  const exif = await sub(ifd0, TAG.exifPointer);
  const interop = await sub(exif, TAG.interopPointer);
  const gps = await sub(ifd0, TAG.gpsPointer);
  return { little, ifd0: withoutPointers(ifd0), exif: withoutPointers(exif), gps: withoutPointers(gps), interop: withoutPointers(interop) };
}

/** The tree's offset within an EXIF block or TIFF file: the header's IFD0 offset and byte order. */
export function tiffHeader(block: Buffer): { little: boolean; ifd0: number } | null {
  if (block.length < 8) return null;
  const order = block.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const little = order === 'II';
  const magic = little ? block.readUInt16LE(2) : block.readUInt16BE(2);
  // 43 is BigTIFF, whose 8-byte offsets this module does not write.
  if (magic !== 42) return null;
  return { little, ifd0: little ? block.readUInt32LE(4) : block.readUInt32BE(4) };
}

export function readAtBuffer(block: Buffer): ReadAt {
  return (offset, length) => Promise.resolve(block.subarray(offset, offset + length));
}

function pointer(tag: number, offset: number): IfdEntry {
  const value = Buffer.alloc(4);
  value.writeUInt32LE(offset);
  return { tag, type: LONG, count: 1, value };
}

function directoryBytes(entries: readonly IfdEntry[]): number {
  const values = entries.reduce((sum, e) => (byteLength(e) > 4 ? sum + byteLength(e) + (byteLength(e) & 1) : sum), 0);
  return 2 + entries.length * 12 + 4 + values;
}

/**
 * The tree written as directories, each followed by its out-of-line values, for a file where
 * these bytes start at offset `base` (even). IFD0 comes first; its next-IFD link is `next`.
 */
export function writeExifTree(tree: Omit<ExifTree, 'little'>, little: boolean, base: number, next = 0): Buffer {
  // Pointers are 4 inline bytes whatever they hold, so every directory's size is known before
  // any offset is: placeholders first, real offsets once the layout is known.
  // One entry per tag (a damaged directory may repeat one; readers then warn or pick either).
  const own = (entries: readonly IfdEntry[]) => withoutPointers(entries).filter((e, i, all) => all.findIndex((other) => other.tag === e.tag) === i);
  const dirs = [
    { key: 'ifd0', entries: own(tree.ifd0) },
    { key: 'exif', entries: own(tree.exif) },
    { key: 'interop', entries: tree.exif.length > 0 ? own(tree.interop) : [] },
    { key: 'gps', entries: own(tree.gps) },
  ].filter((d) => d.key === 'ifd0' || d.entries.length > 0);
  const find = (key: string) => dirs.find((d) => d.key === key);
  const links: [string, string, number][] = [['ifd0', 'exif', TAG.exifPointer], ['ifd0', 'gps', TAG.gpsPointer], ['exif', 'interop', TAG.interopPointer]];
  for (const [from, to, tag] of links) if (find(to)) find(from)?.entries.push(pointer(tag, 0));
  const offsets = new Map<string, number>();
  let at = base;
  for (const dir of dirs) {
    offsets.set(dir.key, at);
    at += directoryBytes(dir.entries);
  }
  for (const [from, to, tag] of links) {
    const entry = find(from)?.entries.find((e) => e.tag === tag);
    entry?.value.writeUInt32LE(offsets.get(to) ?? 0);
  }
  const out = Buffer.alloc(at - base);
  for (const dir of dirs) writeDirectory(out, dir.entries, offsets.get(dir.key) ?? base, base, little, dir.key === 'ifd0' ? next : 0);
  return out;
}

function writeDirectory(out: Buffer, unsorted: readonly IfdEntry[], offset: number, base: number, little: boolean, next: number): void {
  const entries = [...unsorted].sort((a, b) => a.tag - b.tag);
  const u16 = (v: number, at: number) => (little ? out.writeUInt16LE(v, at - base) : out.writeUInt16BE(v, at - base));
  const u32 = (v: number, at: number) => (little ? out.writeUInt32LE(v, at - base) : out.writeUInt32BE(v, at - base));
  u16(entries.length, offset);
  let valueAt = offset + 2 + entries.length * 12 + 4;
  entries.forEach((entry, i) => {
    const row = offset + 2 + i * 12;
    const value = little ? entry.value : swapped(entry.value, entry.type);
    const bytes = entry.place && value.length > 4 ? entry.place(valueAt) : value;
    u16(entry.tag, row);
    u16(entry.type, row + 2);
    u32(entry.count, row + 4);
    if (bytes.length <= 4) {
      bytes.copy(out, row + 8 - base);
    } else {
      u32(valueAt, row + 8);
      bytes.copy(out, valueAt - base);
      valueAt += bytes.length + (bytes.length & 1);
    }
  });
  u32(next, offset + 2 + entries.length * 12);
}
