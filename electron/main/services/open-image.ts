import path from 'node:path';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { previewUrl } from '../images/image-protocol.js';
import type { ServiceContext } from './context.js';
import { requireAbsolutePath } from './paths.js';

/** Long edge of the screen preview: sharp on a 4K/retina canvas without holding full-size pixels. */
export const PREVIEW_MAX_EDGE = 2048;

export function createOpenImageService(
  context: ServiceContext,
): (request: IpcParsedRequest<'openImage'>) => Promise<IpcResponse<'openImage'>> {
  return async (request) => {
    const filePath = requireAbsolutePath(request.path, 'image path');
    // The engine reads the file, so a missing, unreadable or non-image file is its error code.
    const metadata = await context.engine.request('inspect', { path: filePath });
    const { maxMegapixels } = context.settings.get();
    const megapixels = (metadata.width * metadata.height) / 1e6;
    if (megapixels > maxMegapixels) {
      throw new UnshakeError(
        'IMAGE_TOO_LARGE',
        `This photo is ${megapixels.toFixed(0)} megapixels; the limit is ${maxMegapixels} (change it in Settings).`,
      );
    }
    const preview = await context.engine.request('preview', { path: filePath, maxEdge: PREVIEW_MAX_EDGE });
    const image = context.images.add({ path: filePath, fileName: path.basename(filePath), metadata, preview });
    return {
      imageId: image.imageId,
      path: image.path,
      fileName: image.fileName,
      metadata,
      previewUrl: previewUrl(image.imageId),
      previewWidth: preview.width,
      previewHeight: preview.height,
    };
  };
}
