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
/** Dataset 1:90, CodedCharacterSet: ESC % G says the text is UTF-8. */
const UTF8_MARK = Buffer.from([0x1b, 0x25, 0x47]);
/**
 * Windows-1252's 0x80–0x9F (curly quotes, dashes, €), where Latin-1 has control characters: text
 * written on Windows without a declared character set is in it. Node's TextDecoder reads
 * "windows-1252" as Latin-1, so the table is here. Unassigned bytes stay as Latin-1 has them.
 */
const CP1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * How the block's text is encoded. Declared UTF-8 is UTF-8. Undeclared (most writers never say),
 * text that is valid UTF-8 with bytes above ASCII is UTF-8 — Latin-1 text almost never forms valid
 * UTF-8 sequences — and anything else is Windows-1252, exiftool's reading, a superset of Latin-1.
 */
function textDecoder(values: Buffer[], declaredUtf8: boolean): (value: Buffer) => string {
  const isUtf8 = (value: Buffer): boolean => {
    try {
      strictUtf8.decode(value);
      return true;
    } catch {
      return false;
    }
  };
  if (declaredUtf8 || (values.some((value) => value.some((byte) => byte >= 0x80)) && values.every(isUtf8))) return (value) => value.toString('utf8');
  return (value) => Array.from(value, (byte) => (byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80]! : String.fromCharCode(byte))).join('');
}

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
  const declaredUtf8 = raw.some(([record, dataset, value]) => record === 1 && dataset === 90 && value.equals(UTF8_MARK));
  const texts = raw.filter(([record]) => record === 2);
  const decode = textDecoder(texts.map(([, , value]) => value), declaredUtf8);
  const fields = new Map<number, string[]>();
  for (const [, dataset, value] of texts) {
    const text = decode(value).replace(/\0+$/, '').trim();
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
