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
