/**
 * XMP packets repeat the orientation (tiff:Orientation, as an attribute or as an element). Once
 * the pixels are written upright it must say 1 as EXIF does, or an app that trusts XMP over EXIF
 * turns the photo a second time.
 */
export function xmpWithOrientation(xmp: string, orientation: number): string {
  return xmp
    .replace(/(tiff:Orientation\s*=\s*["'])\s*\d+\s*(["'])/g, `$1${orientation}$2`)
    .replace(/(<tiff:Orientation>\s*)\d+(\s*<\/tiff:Orientation>)/g, `$1${orientation}$2`);
}

/**
 * `xmp` (a packet, or none) with `description` (an rdf:Description) added before its last closing
 * RDF tag, however prefixed or spaced; a packet without one is kept as it is (the photo's
 * metadata matters more than what is added). Without a packet, one holding the description alone.
 */
export function xmpWithDescription(xmp: string | null, description: string): string {
  if (xmp !== null) {
    const closing = [...xmp.matchAll(/<\/\s*[\w.-]+:RDF\s*>/g)].at(-1);
    return closing?.index === undefined ? xmp : xmp.slice(0, closing.index) + description + xmp.slice(closing.index);
  }
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `${description}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
  );
}
