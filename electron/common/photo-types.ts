import { RESULT_EXTENSIONS } from './result-name.js';

/**
 * The one list of file names Unshake takes for photos: a batch's folder scan, the drop and Open
 * checks, "Open with" from the system, and the fine-tuner's folders all read it, so a name one
 * place opens no other place calls "not a photo". A name only decides what is looked at: the
 * bytes are sniffed when the file is read, so a renamed text file still fails there.
 */
export interface PhotoType {
  /** The type in words, as messages list it. */
  name: string;
  /** Lower case, with the dot. */
  extensions: readonly string[];
  /** Why fine-tuning leaves this type out (absent: it trains). */
  notForTraining?: string;
}

export const PHOTO_TYPES: readonly PhotoType[] = [
  // The types Unshake writes, under the names it writes them with.
  { name: 'JPEG', extensions: RESULT_EXTENSIONS.jpeg },
  { name: 'PNG', extensions: RESULT_EXTENSIONS.png },
  { name: 'TIFF', extensions: RESULT_EXTENSIONS.tiff },
  { name: 'WebP', extensions: RESULT_EXTENSIONS.webp },
  { name: 'HEIF/AVIF', extensions: ['.heic', '.heif', '.avif'] },
  // Opened and deblurred, but a GIF's 256 dithered colours are no sharp photo to learn from:
  // the dither would be learnt as detail.
  { name: 'GIF', extensions: ['.gif'], notForTraining: 'GIF files are not used for fine-tuning: their 256 dithered colours would be learnt as detail' },
];

/** The photo types fine-tuning reads (blurred/sharp pairs, sharp photos): all but those it leaves out, said why. */
export const TRAINING_PHOTO_TYPES: readonly PhotoType[] = PHOTO_TYPES.filter((type) => type.notForTraining === undefined);

export const PHOTO_EXTENSIONS: readonly string[] = PHOTO_TYPES.flatMap((type) => type.extensions);

/** "JPEG, PNG, TIFF, WebP, HEIF/AVIF or GIF": the types in words, for messages. */
export function photoTypesInWords(types: readonly PhotoType[] = PHOTO_TYPES): string {
  const names = types.map((type) => type.name);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
}

/** A file name's (or path's) extension, lower case with its dot ('.jpg'); '' for none or a hidden file's name alone. */
export function photoExtensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** The type a file name says it is, or undefined. */
export function photoTypeOf(name: string): PhotoType | undefined {
  const extension = photoExtensionOf(name);
  return PHOTO_TYPES.find((type) => type.extensions.includes(extension));
}

export const isPhotoName = (name: string): boolean => photoTypeOf(name) !== undefined;

/**
 * Camera raw files. Most are TIFF underneath, so the pixels sharp would read are IFD0's small
 * embedded preview (160 × 120 in a NEF or DNG), not the photo: they are refused by name
 * everywhere, with rawFileMessage, rather than "deblurred" as a thumbnail.
 */
export const RAW_EXTENSIONS: readonly string[] = [
  '.nef', '.nrw', '.cr2', '.cr3', '.crw', '.arw', '.srf', '.sr2', '.dng', '.raf', '.orf', '.rw2',
  '.pef', '.srw', '.x3f', '.3fr', '.iiq', '.erf', '.kdc', '.mos', '.mrw', '.raw', '.rwl', '.dcr',
];

export const isRawName = (name: string): boolean => RAW_EXTENSIONS.includes(photoExtensionOf(name));

/** A raw file's MIME type (image/x-nikon-nef, image/x-adobe-dng, image/x-canon-cr3): its last word is a raw extension. */
export const isRawMimeType = (type: string): boolean => type.startsWith('image/') && RAW_EXTENSIONS.includes(`.${type.split(/[/-]/).at(-1)!.toLowerCase()}`);

/** The one refusal of a raw file, whoever finds it (a drop, the engine, a batch, the command line). */
export function rawFileMessage(name: string): string {
  return `${name} is a raw file; Unshake does not develop raw files. Export a 16-bit TIFF from your raw developer and open that.`;
}

export const isTrainingPhotoName = (name: string): boolean => {
  const type = photoTypeOf(name);
  return type !== undefined && type.notForTraining === undefined;
};
