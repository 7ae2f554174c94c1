/**
 * IPTC-IIM (captions, keywords, credit, copyright: what agencies and press photographers fill in),
 * which sharp reads but cannot write: a JPEG carries it in an APP13 segment as a Photoshop
 * resource block, a TIFF in its IPTC-NAA tag as the bare datasets. Only the IPTC resource is
 * carried from a Photoshop block; its others (a thumbnail, slices, paths) describe the old file.
 */

const PHOTOSHOP = Buffer.from('Photoshop 3.0\0', 'latin1');
const RESOURCE = Buffer.from('8BIM', 'latin1');
/** Signatures of Photoshop resources other writers use (ImageReady's MeSa…): read past, as exiftool does. */
const SIGNATURES: ReadonlySet<string> = new Set(['8BIM', 'MeSa', 'PHUT', 'AgHg', 'DCSR']);
const IPTC_RESOURCE_ID = 0x0404;
/** An IIM dataset starts with this tag marker. */
const IIM_MARKER = 0x1c;

/** The IIM datasets in what sharp reports (a JPEG's Photoshop block, a TIFF's bare datasets), or null. */
export function iptcDatasets(raw: Buffer | null | undefined): Buffer | null {
  if (!raw || raw.length === 0) return null;
  if (raw[0] === IIM_MARKER) return wholeDatasets(raw);
  if (!raw.subarray(0, PHOTOSHOP.length).equals(PHOTOSHOP)) return null;
  // Resources: '8BIM', id (2), a Pascal name padded to even, size (4), data padded to even.
  for (let at = PHOTOSHOP.length; at + 12 <= raw.length; ) {
    const signature = raw.toString('latin1', at, at + 4);
    if (!SIGNATURES.has(signature)) return null;
    const id = signature === '8BIM' ? raw.readUInt16BE(at + 4) : -1;
    const nameBytes = 1 + raw[at + 6]!;
    const sizeAt = at + 6 + nameBytes + (nameBytes % 2);
    if (sizeAt + 4 > raw.length) return null;
    const size = raw.readUInt32BE(sizeAt);
    const data = raw.subarray(sizeAt + 4, sizeAt + 4 + size);
    if (id === IPTC_RESOURCE_ID) return data.length === size && data[0] === IIM_MARKER ? wholeDatasets(Buffer.from(data)) : null;
    at = sizeAt + 4 + size + (size % 2);
  }
  return null;
}

/**
 * The datasets up to the last whole one: a TIFF's tag pads them to whole LONGs with zeros, and a
 * damaged one may end midway. (A size with its top bit set is IIM's extended form, not used for
 * the text fields; the walk stops there.)
 */
function wholeDatasets(raw: Buffer): Buffer | null {
  let at = 0;
  while (at + 5 <= raw.length && raw[at] === IIM_MARKER) {
    const size = raw.readUInt16BE(at + 3);
    if (size & 0x8000 || at + 5 + size > raw.length) break;
    at += 5 + size;
  }
  return at > 0 ? raw.subarray(0, at) : null;
}

/** A JPEG's APP13 payload for the datasets: a Photoshop block holding the IPTC resource alone. */
export function photoshopIptcBlock(datasets: Buffer): Buffer {
  const head = Buffer.alloc(4 + 2 + 2 + 4);
  RESOURCE.copy(head, 0);
  head.writeUInt16BE(IPTC_RESOURCE_ID, 4);
  // An empty Pascal name: its length byte and a pad byte.
  head.writeUInt32BE(datasets.length, 8);
  return Buffer.concat([PHOTOSHOP, head, datasets, Buffer.alloc(datasets.length % 2)]);
}
