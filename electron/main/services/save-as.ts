import { existsSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { extensionFor, namesImageType, resolveOutputFormat, WRITABLE_FORMATS, type WritableFormat } from '../../../model/src/image/formats.js';
import type { ServiceContext } from './context.js';
import { defaultSavePath, finishedResult, type SaveRequest } from './save.js';

/** A file type the save dialog offers: a name people know and its extensions (no dot). */
export interface SaveDialogFormat {
  name: string;
  extensions: string[];
}

/**
 * The system's save dialog: a full path the user chose (and agreed to replace, where it
 * exists), or null when they cancelled. Electron's dialog in the app; the e2e harness answers
 * for the user.
 */
export type ChooseSavePath = (request: { defaultPath: string; formats: SaveDialogFormat[] }) => Promise<string | null>;

const FORMAT_NAMES: Record<WritableFormat, string> = { jpeg: 'JPEG', png: 'PNG', tiff: 'TIFF', webp: 'WebP' };
const DIALOG_EXTENSIONS: Record<WritableFormat, string[]> = { jpeg: ['jpg', 'jpeg'], png: ['png'], tiff: ['tif', 'tiff'], webp: ['webp'] };

/**
 * Save As…: where and under which name is the photographer's choice, in the system's dialog
 * (opened by main, so the renderer never names a path). It starts at the name Save would use,
 * in the folder the last Save As… wrote to (else next to the original); the type follows the
 * chosen name's extension, and a name without one gets the default type's. Writing goes through
 * `save` (atomic, never over the original, EXIF/ICC kept).
 */
export function createSaveAsService(
  context: ServiceContext,
  save: (request: SaveRequest) => Promise<IpcResponse<'save'>>,
  chooseSavePath: ChooseSavePath,
): (request: IpcParsedRequest<'saveAs'>) => Promise<IpcResponse<'saveAs'>> {
  // Where the last Save As… wrote: exporting several photos to one folder should not mean finding
  // it again each time. Forgotten if it is gone.
  let lastFolder: string | null = null;
  return async (request) => {
    const result = finishedResult(context, request.jobId);
    const folder = lastFolder && existsSync(lastFolder) ? lastFolder : undefined;
    const settings = context.settings.get();
    const format = resolveOutputFormat(result.sourceFormat, settings.outputFormat);
    const defaultFirst = [format, ...WRITABLE_FORMATS.filter((other) => other !== format)];
    const chosen = await chooseSavePath({
      defaultPath: defaultSavePath(result, format, settings.outputSuffix, folder),
      formats: defaultFirst.map((f) => ({ name: FORMAT_NAMES[f], extensions: DIALOG_EXTENSIONS[f] })),
    });
    if (!chosen) return { saved: null };
    // A name with no image extension (some Linux dialogs add none; "trip 2024.06.01" has dots but
    // no type) gets the default type's. A file of that new name is not the one the dialog asked
    // about replacing, so it is not replaced.
    const named = namesImageType(chosen);
    const target = named ? chosen : chosen + extensionFor(format);
    const { jobId, strength, quality } = request;
    try {
      const saved = await save({ jobId, path: target, overwrite: named, ...(strength === undefined ? {} : { strength }), ...(quality === undefined ? {} : { quality }) });
      lastFolder = dirname(saved.path);
      return { saved };
    } catch (error) {
      if (named || !(error instanceof UnshakeError && error.code === 'OUTPUT_EXISTS') || target === result.sourcePath) throw error;
      throw new UnshakeError('OUTPUT_EXISTS', `${target} already exists: Save As… again and choose another name, or type the name with its extension (${extname(target)}) to replace it.`);
    }
  };
}
