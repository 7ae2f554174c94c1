/**
 * The chosen folder's own path, from one of its files: the file's path on disk less its path
 * inside the folder ("/photos/Trip/blur/1.jpg" with "Trip/blur/1.jpg" → "/photos/Trip"). Cut by
 * length, not by separators: a file name may hold a backslash on Linux or macOS, and Windows
 * paths use "\" where the relative path uses "/". '' when the file has no path on disk.
 */
export function folderOfChosenFile(fullPath: string, relativePath: string): string {
  const inside = relativePath.indexOf('/');
  if (!fullPath || inside < 0) return '';
  const below = relativePath.length - inside;
  return fullPath.length > below ? fullPath.slice(0, fullPath.length - below) : '';
}

/**
 * What the user handed over with this File: the folder they chose in a folder picker (the File
 * is one of its photos, `relativePath` its place inside), else the file or dropped folder itself.
 */
export function handedOverPath(fullPath: string, relativePath: string): string {
  return folderOfChosenFile(fullPath, relativePath) || fullPath;
}
