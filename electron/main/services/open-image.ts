import path from 'node:path';
import type { IpcParsedRequest, IpcResponse, OpenImageResult } from '../../common/ipc-contract.js';
import type { OpenedImage } from '../images/image-registry.js';
import { previewUrl } from '../images/image-protocol.js';
import { openFile } from '../images/opened-file.js';
import type { ServiceContext } from './context.js';
import { pruneResults } from './prune-results.js';

/** The preview's long edge when the window does not say its screen (and the least it gets). */
export const PREVIEW_MIN_EDGE = 2048;
/**
 * The most: a 6K screen at one pixel per point. A 6144 × 4096 preview is 100 MB decoded per side
 * in the page and ~2 s to make from 45 MP, so larger screens get a slightly enlarged Fit view.
 */
export const PREVIEW_MAX_EDGE = 6144;

/**
 * The preview's long edge for a screen whose long edge is `screenEdge` device pixels: Fit never
 * draws the photo larger than the screen, so a preview that long is never enlarged on it.
 */
export function previewEdgeFor(screenEdge: number | undefined): number {
  return Math.min(PREVIEW_MAX_EDGE, Math.max(PREVIEW_MIN_EDGE, screenEdge ?? 0));
}

export function createOpenImageService(
  context: ServiceContext,
): (request: IpcParsedRequest<'openImage'>) => Promise<IpcResponse<'openImage'>> {
  return async (request) => {
    const filePath = context.granted.require(request.path, 'image path');
    // The engine reads the file, so a missing, unreadable or non-image file is its error code.
    // The settings' limit, not the engine's default: the engine refuses a larger photo (IMAGE_TOO_LARGE).
    const { maxMegapixels } = context.settings.get();
    const metadata = await context.imaging.request('inspect', { path: filePath, maxMegapixels });
    // Its bytes before its preview is made, its pixels after: a save over it from then on is
    // refused later (opened-file.ts), never shown as this photo; a rating written into it is not.
    const maxEdge = previewEdgeFor(request.screenEdge);
    const readPixels = (at: string) => context.imaging.request('pixels', { path: at, maxMegapixels });
    const withPixels = rasterBytes(metadata) <= PIXEL_FINGERPRINT_BUDGET;
    const { file, made } = await openFile(filePath, path.basename(filePath), { readPixels, withPixels }, () =>
      context.imaging.request('preview', { path: filePath, maxEdge, maxMegapixels }),
    );
    const { jpeg, width, height } = made;
    const opened = context.images.add({ ...file, metadata, preview: { width, height, edge: maxEdge }, maxMegapixels }, jpeg);
    // The registry may have forgotten its oldest photo: its results can no longer be shown or saved.
    await pruneResults(context);
    return openImageResult(opened);
  };
}

/**
 * A raster above it is not decoded whole for its fingerprint (several times the open's memory for
 * a 250 MP 16-bit photo): the photo is known by its bytes only, the documented fallback.
 */
const PIXEL_FINGERPRINT_BUDGET = 512 * 1024 * 1024;

/** About what a full decode holds: width × height × channels at the file's sample size. */
function rasterBytes({ width, height, channels, bitDepth }: { width: number; height: number; channels: number; bitDepth: number }): number {
  return width * height * channels * (bitDepth / 8);
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
