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
