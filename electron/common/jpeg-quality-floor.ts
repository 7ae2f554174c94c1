/**
 * The quality a JPEG photo's JPEG result is written at when the quality is the setting (the
 * Output panel's, the command line's default): at least the photo's own, so a photo saved at a
 * higher quality is not worn down where nothing was deblurred. A quality asked for exactly (the
 * command line's --quality) is not raised (model/src/image/jpeg-quality.ts). Here so the editor
 * knows which file a Save would write (renderer/src/lib/job-notes.ts).
 */
export function jpegQualityFromSetting(setting: number, photoQuality: number | undefined): number {
  return Math.max(setting, photoQuality ?? 0);
}
