import type { EditorSave, IpcResponse, OpenImageResult, RegionMask, Settings } from '../../../electron/common/index.js';
import { extensionOf } from './image-file.js';
import { defaultSaveName } from './job-text.js';

/** The settings a deblur ran with: what the result on screen was made with (no mask: the whole photo). */
export type DeblurSettings = { modelId: string; mask: RegionMask | undefined };
/** A saved file, the strength (percent) and the JPEG/WebP quality it was saved with, and by which button. */
export type SavedFile = { path: string; bytes: number; strength: number; quality: number | undefined; via: EditorSave['via']; notes?: string[] };
/**
 * The editor's notes on one deblur: its photo, what it ran with, each save (oldest first), and the
 * job whose result was on screen when it started (to go back to if it ends without one).
 */
export type JobNote = { fileName: string; image: OpenImageResult; madeWith: DeblurSettings; saves: SavedFile[]; shownBefore?: string };

const LOSSY_EXTENSIONS = ['jpg', 'jpeg', 'jpe', 'webp'];

/** A deblur as main held it through a reload, as the editor notes it (strengths in percent). */
export function noteFromRestored({ image, madeWith, saves }: IpcResponse<'editorJobs'>['deblurs'][number]): JobNote {
  return {
    fileName: image.fileName,
    image,
    madeWith: { modelId: madeWith.modelId, mask: madeWith.mask },
    saves: saves.map((save) => ({ path: save.path, bytes: save.bytes, strength: Math.round(save.strength * 100), quality: save.quality, via: save.via })),
  };
}

/**
 * Whether Save would only write a copy of a file Save already wrote: at this strength, in the
 * type it would write now (another type is another file; "same" and JPEG write the same file for
 * a JPEG photo), at this quality where quality means something (JPEG, WebP). A Save As… made
 * elsewhere or under another name leaves Save its own copy to write.
 */
export function savedAlready(note: JobNote, strength: number, settings: Settings): boolean {
  const wouldWrite = extensionOf(defaultSaveName(note.image.fileName, note.image.metadata.format, settings));
  const lossy = LOSSY_EXTENSIONS.includes(wouldWrite);
  return note.saves.some(
    (s) => s.via === 'save' && s.strength === strength && extensionOf(s.path) === wouldWrite && (!lossy || s.quality === settings.jpegQuality),
  );
}
