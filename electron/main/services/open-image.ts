import path from 'node:path';
import type { IpcParsedRequest, IpcResponse, OpenImageResult } from '../../common/ipc-contract.js';
import type { OpenedImage } from '../images/image-registry.js';
import { previewUrl } from '../images/image-protocol.js';
import type { ServiceContext } from './context.js';
import { pruneResults } from './prune-results.js';

/** Long edge of the screen preview: sharp on a 4K/retina canvas without holding full-size pixels. */
export const PREVIEW_MAX_EDGE = 2048;

export function createOpenImageService(
  context: ServiceContext,
): (request: IpcParsedRequest<'openImage'>) => Promise<IpcResponse<'openImage'>> {
  return async (request) => {
    const filePath = context.granted.require(request.path, 'image path');
    // The engine reads the file, so a missing, unreadable or non-image file is its error code.
    // The settings' limit, not the engine's default: the engine refuses a larger photo (IMAGE_TOO_LARGE).
    const { maxMegapixels } = context.settings.get();
    const metadata = await context.imaging.request('inspect', { path: filePath, maxMegapixels });
    const preview = await context.imaging.request('preview', { path: filePath, maxEdge: PREVIEW_MAX_EDGE, maxMegapixels });
    const opened = context.images.add({ path: filePath, fileName: path.basename(filePath), metadata, preview });
    // The registry may have forgotten its oldest photo: its results can no longer be shown or saved.
    await pruneResults(context);
    return openImageResult(opened);
  };
}

/** What the renderer is told of an opened image (again, after a reload). */
export function openImageResult(image: OpenedImage): OpenImageResult {
  return {
    imageId: image.imageId,
    path: image.path,
    fileName: image.fileName,
    metadata: image.metadata,
    previewUrl: previewUrl(image.imageId),
    previewWidth: image.preview.width,
    previewHeight: image.preview.height,
  };
}
