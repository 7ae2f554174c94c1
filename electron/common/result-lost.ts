/**
 * What Save and the window say of a deblur's result whose file was deleted or cut short after
 * the deblur (by hand, a disk cleaner): one wording on both sides, naming the photo.
 */
export function lostResultMessage(fileName: string): string {
  return `The deblurred result of ${fileName} is no longer there (its file was removed or cut short). Deblur again to remake it.`;
}
