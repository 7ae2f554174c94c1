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
export function chooseFolderFiles(): Promise<File[] | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.webkitdirectory = true;
    input.addEventListener('change', () => resolve(input.files ? Array.from(input.files) : []), { once: true });
    input.addEventListener('cancel', () => resolve(null), { once: true });
    input.click();
  });
}
