/**
 * IPTC-IIM fields as IPTC Core XMP, for results whose format has no place for IIM (PNG, WebP):
 * a press photographer's caption, keywords, by-line and copyright then still travel with the
 * photo. Only the properties the photo's XMP does not have already are written.
 */

type Kind = 'text' | 'alt' | 'bag' | 'seq';

/** Record 2 dataset number → XMP property, as IPTC Core maps them. */
const FIELDS: ReadonlyArray<readonly [dataset: number, property: string, kind: Kind]> = [
  [5, 'dc:title', 'alt'],
  [120, 'dc:description', 'alt'],
  [25, 'dc:subject', 'bag'],
  [80, 'dc:creator', 'seq'],
  [116, 'dc:rights', 'alt'],
  [105, 'photoshop:Headline', 'text'],
  [110, 'photoshop:Credit', 'text'],
  [115, 'photoshop:Source', 'text'],
  [85, 'photoshop:AuthorsPosition', 'text'],
  [40, 'photoshop:Instructions', 'text'],
  [90, 'photoshop:City', 'text'],
  [95, 'photoshop:State', 'text'],
  [101, 'photoshop:Country', 'text'],
];
/** Dataset 1:90, CodedCharacterSet: ESC % G says the text is UTF-8 (otherwise Latin-1). */
const UTF8_MARK = Buffer.from([0x1b, 0x25, 0x47]);

/** Text as XML character data: markup escaped, and the control characters XML 1.0 forbids dropped. */
function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex -- the forbidden characters are exactly what is matched.
  const allowed = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
  return allowed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The text values of each record-2 dataset, in order. */
function fieldsOf(datasets: Buffer): Map<number, string[]> {
  const raw: [record: number, dataset: number, value: Buffer][] = [];
  for (let at = 0; at + 5 <= datasets.length && datasets[at] === 0x1c; ) {
    const size = datasets.readUInt16BE(at + 3);
    raw.push([datasets[at + 1]!, datasets[at + 2]!, datasets.subarray(at + 5, at + 5 + size)]);
    at += 5 + size;
  }
  const utf8 = raw.some(([record, dataset, value]) => record === 1 && dataset === 90 && value.equals(UTF8_MARK));
  const fields = new Map<number, string[]>();
  for (const [record, dataset, value] of raw) {
    if (record !== 2) continue;
    const text = value.toString(utf8 ? 'utf8' : 'latin1').replace(/\0+$/, '').trim();
    if (text) fields.set(dataset, [...(fields.get(dataset) ?? []), text]);
  }
  return fields;
}

/**
 * An rdf:Description holding the datasets' IPTC Core properties that `xmp` does not state, or
 * null when there is none to add.
 */
export function iptcAsXmp(datasets: Buffer, xmp: string | null): string | null {
  const fields = fieldsOf(datasets);
  const properties = FIELDS.flatMap(([dataset, property, kind]) => {
    const values = fields.get(dataset);
    // Stated already, as an element or an attribute: the photo's XMP wins.
    if (!values || (xmp !== null && new RegExp(`<${property}[\\s>/]|\\s${property}\\s*=`).test(xmp))) return [];
    const items = (kind === 'bag' || kind === 'seq' ? values : values.slice(0, 1)).map((v) => escapeXml(v));
    if (kind === 'text') return [`<${property}>${items[0]}</${property}>`];
    if (kind === 'alt') return [`<${property}><rdf:Alt><rdf:li xml:lang="x-default">${items[0]}</rdf:li></rdf:Alt></${property}>`];
    const container = kind === 'bag' ? 'rdf:Bag' : 'rdf:Seq';
    return [`<${property}><${container}>${items.map((item) => `<rdf:li>${item}</rdf:li>`).join('')}</${container}></${property}>`];
  });
  if (properties.length === 0) return null;
  return `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">${properties.join('')}</rdf:Description>`;
}
