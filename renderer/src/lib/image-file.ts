import { isPhotoName, isRawMimeType, isRawName, PHOTO_EXTENSIONS, photoTypesInWords, rawFileMessage } from '../../../electron/common/index.js';
import { api, ApiError } from './api.js';

/**
 * First check of what the user dropped or picked, before asking main: one file, and one that
 * looks like a photo (by the names photo-types.ts lists for every part of the app). Main still
 * sniffs the bytes and has the last word (a renamed text file fails there with the same code).
 */
const FORMATS_SENTENCE = photoTypesInWords();

/** For <input type="file" accept>: MIME families plus extensions for files without a MIME type. */
export const IMAGE_ACCEPT = ['image/*', ...PHOTO_EXTENSIONS].join(',');

/** A file name's extension, lower case, without the dot ('jpg'); '' when it has none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

// Files the drop zone saw as folders (its drag entries say so); a File alone cannot tell.
const folders = new WeakSet<File>();

function markFolder(file: File): void {
  folders.add(file);
}

/** The files of a drop, folders marked: only the drag's entries know, and only during the drop. */
export function droppedFiles(transfer: DataTransfer): File[] {
  const files = Array.from(transfer.files);
  const entries = Array.from(transfer.items)
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry());
  entries.forEach((entry, index) => {
    const file = files[index];
    if (entry?.isDirectory && file) markFolder(file);
  });
  return files;
}

/**
 * A dropped folder is a File with no type, whatever its name ("Holiday.jpg" too), and often of
 * 0 bytes; where the drop zone could not ask its entry, that is the sign. An empty file of an
 * unknown type reads as one too, and is no photo either.
 */
export function looksLikeFolder(file: File): boolean {
  return folders.has(file) || (file.size === 0 && file.type === '');
}

function looksLikeImage(file: File): boolean {
  return file.type.startsWith('image/') || isPhotoName(file.name);
}

/** The single photo among what was dropped, or an ApiError a banner can show as is. */
export function singleImageFile(files: ArrayLike<File> | null | undefined): File {
  const list = files ? Array.from(files) : [];
  const [file] = list;
  if (!file) throw new ApiError('INVALID_REQUEST', `Nothing to open: drop a photo file (${FORMATS_SENTENCE}).`);
  if (list.length > 1) throw new ApiError('INVALID_REQUEST', 'Drop one photo at a time.');
  // Before the extension check, which would call a folder "not a photo" and list formats.
  if (looksLikeFolder(file)) throw new ApiError('FILE_UNREADABLE', `“${file.name}” is a folder; pick a photo inside it.`);
  // Its image/* type would pass it on, and main would open its tiny embedded preview as the photo.
  if (isRawName(file.name) || isRawMimeType(file.type)) throw new ApiError('UNSUPPORTED_FORMAT', rawFileMessage(file.name));
  if (!looksLikeImage(file)) {
    throw new ApiError('UNSUPPORTED_FORMAT', `“${file.name}” is not a photo Unshake can open. Use ${FORMATS_SENTENCE}.`);
  }
  return file;
}

/** Where a dropped or picked file lies on disk (the preload asks Electron), or why it cannot be used. */
export function pathOnDisk(file: File): string {
  const path = api.pathForFile(file);
  if (!path) throw new ApiError('FILE_NOT_FOUND', `“${file.name}” is not a file on disk; save it first, then drop it here.`);
  return path;
}
