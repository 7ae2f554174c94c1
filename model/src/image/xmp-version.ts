import { randomUUID } from 'node:crypto';
import { xmpWithDescription } from './xmp.js';

/**
 * A result is a new version of its photo, not the photo itself: its XMP gets a new
 * xmpMM:InstanceID (the DocumentID, common to every version of the photo, stays), an
 * xmpMM:DerivedFrom naming the original's IDs, "derived" and "saved" events in xmpMM:History
 * (as Photoshop's Save As writes them), and the size of the upright pixels where the packet
 * states one. Regex edits like xmp.ts's: the packet is otherwise kept byte for byte.
 */
export interface ResultVersion {
  width: number;
  height: number;
  /** "Unshake <version>". */
  software: string;
  /** Given by tests; otherwise a fresh `xmp.iid:<uuid>`. */
  instanceId?: string;
  /** ISO 8601; otherwise now. */
  when?: string;
}

const MM = 'http://ns.adobe.com/xap/1.0/mm/';
const ST_REF = 'http://ns.adobe.com/xap/1.0/sType/ResourceRef#';
const ST_EVT = 'http://ns.adobe.com/xap/1.0/sType/ResourceEvent#';

export function xmpAsResult(xmp: string, version: ResultVersion): string {
  const instanceId = version.instanceId ?? `xmp.iid:${randomUUID()}`;
  const when = version.when ?? new Date().toISOString();
  const original = { instance: propertyValue(xmp, 'xmpMM:InstanceID'), document: propertyValue(xmp, 'xmpMM:DocumentID') };
  let out = xmp;
  for (const [property, value] of [
    ['tiff:ImageWidth', version.width],
    ['tiff:ImageLength', version.height],
    ['exif:PixelXDimension', version.width],
    ['exif:PixelYDimension', version.height],
  ] as const) {
    out = withPropertyValue(out, property, String(value));
  }
  // The original's own parent is not the result's.
  out = out.replace(/<xmpMM:DerivedFrom\b[^>]*\/>|<xmpMM:DerivedFrom\b[^>]*>[\s\S]*?<\/xmpMM:DerivedFrom>/g, '');
  if (original.instance !== null) out = withPropertyValue(out, 'xmpMM:InstanceID', escapeXml(instanceId));
  const events =
    `<rdf:li xmlns:stEvt="${ST_EVT}" stEvt:action="derived" stEvt:parameters="deblurred"/>` +
    `<rdf:li xmlns:stEvt="${ST_EVT}" stEvt:action="saved" stEvt:instanceID="${escapeXml(instanceId)}" stEvt:when="${escapeXml(when)}" stEvt:softwareAgent="${escapeXml(version.software)}" stEvt:changed="/"/>`;
  const history = /<xmpMM:History\b[^>]*>\s*<rdf:Seq\b[^>]*>[\s\S]*?(?=<\/rdf:Seq>)/.exec(out);
  if (history) out = out.slice(0, history.index + history[0].length) + events + out.slice(history.index + history[0].length);
  const added = [
    original.instance === null ? `<xmpMM:InstanceID>${escapeXml(instanceId)}</xmpMM:InstanceID>` : '',
    original.instance !== null || original.document !== null
      ? `<xmpMM:DerivedFrom rdf:parseType="Resource">${original.instance !== null ? `<stRef:instanceID>${escapeXml(original.instance)}</stRef:instanceID>` : ''}${original.document !== null ? `<stRef:documentID>${escapeXml(original.document)}</stRef:documentID>` : ''}</xmpMM:DerivedFrom>`
      : '',
    history ? '' : `<xmpMM:History><rdf:Seq>${events}</rdf:Seq></xmpMM:History>`,
  ].join('');
  return xmpWithDescription(out, `<rdf:Description rdf:about="" xmlns:xmpMM="${MM}" xmlns:stRef="${ST_REF}">${added}</rdf:Description>`);
}

/** A simple property's value, as an attribute or an element; null where the packet has none. */
function propertyValue(xmp: string, property: string): string | null {
  const match = new RegExp(`\\s${property}\\s*=\\s*(["'])([^"']*)\\1|<${property}>\\s*([^<]*?)\\s*</${property}>`).exec(xmp);
  return match ? (match[2] ?? match[3] ?? null) : null;
}

/** `property` set to `value` (XML-escaped already) wherever the packet states it, attribute or element. */
function withPropertyValue(xmp: string, property: string, value: string): string {
  return xmp
    .replace(new RegExp(`(\\s${property}\\s*=\\s*)(["'])[^"']*\\2`, 'g'), `$1$2${value}$2`)
    .replace(new RegExp(`(<${property}>)[^<]*(</${property}>)`, 'g'), `$1${value}$2`);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
