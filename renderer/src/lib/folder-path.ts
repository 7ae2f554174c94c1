/**
 * The chosen folder's own path, from one of its files: the file's path on disk less its path
 * inside the folder ("/photos/Trip/blur/1.jpg" with "Trip/blur/1.jpg" → "/photos/Trip"), whichever
 * separator the platform uses. '' when the file has no path on disk.
 */
export function folderOfChosenFile(fullPath: string, relativePath: string): string {
  const below = relativePath.split('/').length - 1;
  if (!fullPath || below < 1) return '';
  const parts = fullPath.split(/(?=[\\/])/);
  return parts.slice(0, parts.length - below).join('');
}
