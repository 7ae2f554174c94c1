import type { EditorSave, IpcResponse, OpenImageResult, RegionMask, Settings } from '../../../electron/common/index.js';
import { jpegQualityFromSetting } from '../../../electron/common/jpeg-quality-floor.js';
import { splitExtension } from '../../../electron/common/result-name.js';
import { baseName, defaultSaveName } from './job-text.js';

/** The settings a deblur ran with: what the result on screen was made with (no mask: the whole photo). */
export type DeblurSettings = { modelId: string; mask: RegionMask | undefined };
/**
 * A saved file, the strength (percent) and the JPEG/WebP quality it was saved with, and by which
 * button; `gone`: the file was found deleted or moved since (saves-on-disk.ts).
 */
export type SavedFile = { path: string; bytes: number; strength: number; quality: number | undefined; via: EditorSave['via']; notes?: string[]; gone?: boolean };
/**
 * The editor's notes on one deblur: its photo, what it ran with, each save (oldest first), the
 * job whose result was on screen when it started (to go back to if it ends without one), and the
 * strength (percent) its result was last shown at (kept by main over a reload; unknown if never told).
 */
export type JobNote = { fileName: string; image: OpenImageResult; madeWith: DeblurSettings; saves: SavedFile[]; shownBefore?: string; strength?: number };

const LOSSY_EXTENSIONS = ['.jpg', '.jpeg', '.jpe', '.webp'];

/** A deblur as main held it through a reload, as the editor notes it (strengths in percent). */
export function noteFromRestored({ image, madeWith, saves, strength }: IpcResponse<'editorJobs'>['deblurs'][number]): JobNote {
  return {
    fileName: image.fileName,
    image,
    madeWith: { modelId: madeWith.modelId, mask: madeWith.mask },
    saves: saves.map((save) => ({
      path: save.path,
      bytes: save.bytes,
      strength: Math.round(save.strength * 100),
      quality: save.quality,
      via: save.via,
      ...(save.notes ? { notes: save.notes } : {}),
    })),
    ...(strength !== undefined ? { strength: Math.round(strength * 100) } : {}),
  };
}

/** Why Save is greyed out after a save: its title, and what Ctrl+S on it says. */
const SAVED_ALREADY_TEXT =
  'Already saved next to the original at this strength, format, quality and name ending: change one of them to save another copy, or use Save As…';

/**
 * Why Save is greyed out for this photo: on a JPEG whose own quality is above the setting, a
 * lower setting writes that quality all the same, so changing it would not help.
 */
export function savedAlreadyText(image: OpenImageResult, settings: Settings): string {
  const kept = keptJpegQuality(image, settings);
  if (kept === undefined) return SAVED_ALREADY_TEXT;
  return `Already saved next to the original at this strength, format and name ending: this JPEG keeps its own quality ${kept} at any setting below it, so change the strength, format or name ending to save another copy, or use Save As…`;
}

/** The JPEG photo's own quality where Save's JPEG would keep it over the lower setting (jpeg-quality-floor.ts). */
function keptJpegQuality({ fileName, metadata }: OpenImageResult, settings: Settings): number | undefined {
  const extension = splitExtension(defaultSaveName(fileName, metadata.format, settings)).extension.toLowerCase();
  const jpeg = metadata.format === 'jpeg' && LOSSY_EXTENSIONS.includes(extension) && extension !== '.webp';
  return jpeg && metadata.jpegQuality !== undefined && metadata.jpegQuality > settings.jpegQuality ? metadata.jpegQuality : undefined;
}

/**
 * Whether Save would only write a copy of a file Save already wrote: under the name it would give
 * now (the result name ending and the type are in it; "same" and JPEG write the same file for a
 * JPEG photo), at this strength, at this quality where quality means something (JPEG, WebP): as
 * written, so on a q98 JPEG the settings 80 and 85 both write 98, one file. A save whose file is
 * gone, or was replaced by a later save (Save As… agreed to it), no longer counts, nor does one
 * made elsewhere or under another name.
 */
export function savedAlready(note: JobNote, strength: number, settings: Settings): boolean {
  const { format, jpegQuality } = note.image.metadata;
  const wouldWrite = defaultSaveName(note.image.fileName, format, settings);
  const extension = splitExtension(wouldWrite).extension.toLowerCase();
  const lossy = LOSSY_EXTENSIONS.includes(extension);
  // A JPEG photo's JPEG result keeps its own quality where the setting is lower (jpeg-quality-floor.ts).
  const written = (quality: number | undefined) => (quality !== undefined && format === 'jpeg' && extension !== '.webp' ? jpegQualityFromSetting(quality, jpegQuality) : quality);
  return note.saves.some(
    (s, at) =>
      s.via === 'save' &&
      !s.gone &&
      s.strength === strength &&
      isDefaultName(baseName(s.path), wouldWrite) &&
      (!lossy || written(s.quality) === written(settings.jpegQuality)) &&
      !note.saves.slice(at + 1).some((later) => later.path === s.path),
  );
}

/** `name` is Save's default `name`, or that name numbered by main because it was taken ("car-unshaken-2.jpg"). */
function isDefaultName(name: string, defaultName: string): boolean {
  if (name === defaultName) return true;
  const { stem, extension } = splitExtension(defaultName);
  const counter = name.startsWith(`${stem}-`) && name.endsWith(extension) ? name.slice(stem.length + 1, name.length - extension.length) : '';
  return /^\d+$/.test(counter);
}
