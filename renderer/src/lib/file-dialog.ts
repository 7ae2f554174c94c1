import { api, ApiError } from './api.js';
import { folderOfChosenFile } from '../../../electron/common/folder-path.js';

/**
 * The system file picker, opened from a detached <input type="file"> so any button or key can
 * trigger it. Resolves null when the user closes the picker without choosing.
 */
export function chooseFiles(accept: string): Promise<FileList | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.addEventListener('change', () => resolve(input.files), { once: true });
    input.addEventListener('cancel', () => resolve(null), { once: true });
    input.click();
  });
}

/**
 * The system folder picker (a directory <input>): resolves the files in the chosen folder and its
 * subfolders, each with its path inside it (webkitRelativePath, "Trip/blur/1.jpg"); null when the
 * user closes the picker. An empty folder gives no files.
 */
function chooseFolderFiles(): Promise<File[] | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.webkitdirectory = true;
    input.addEventListener('change', () => resolve(input.files ? Array.from(input.files) : []), { once: true });
    input.addEventListener('cancel', () => resolve(null), { once: true });
    input.click();
  });
}

/**
 * A folder chosen in the system's folder picker: its path on disk and its name; null when the
 * user closes the picker. An empty folder is refused (the picker hands over files, not the folder).
 */
export async function chooseFolder(): Promise<{ path: string; name: string } | null> {
  const files = await chooseFolderFiles();
  if (files === null) return null;
  const [file] = files;
  if (!file) throw new ApiError('FILE_NOT_FOUND', 'That folder is empty: choose the folder with your photos in it.');
  const path = folderOfChosenFile(api.pathForFile(file), file.webkitRelativePath);
  if (!path) throw new ApiError('FILE_NOT_FOUND', 'That folder is not on disk.');
  return { path, name: file.webkitRelativePath.split('/')[0] ?? path };
}
