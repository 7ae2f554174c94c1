import type { MetadataSummary } from '../../common/ipc-contract.js';
import { newId } from '../ids.js';
import { changedOnDisk, type OpenedFile } from './opened-file.js';

/** `content`: its file as opened; its preview and crops are made again only from that file (opened-file.ts). */
export interface OpenedImage extends OpenedFile {
  imageId: string;
  metadata: MetadataSummary;
  /** Its preview's size, and the long edge it was made for: its JPEG may be let go and made again alike. */
  preview: { width: number; height: number; edge: number };
  /**
   * The megapixel limit it was opened under: its 100 % crops use this one, so a limit lowered
   * since guards what is opened or deblurred next, not the photo already on screen.
   */
  maxMegapixels: number;
}

export interface ImageRegistry {
  add(image: Omit<OpenedImage, 'imageId'>, previewJpeg: Uint8Array): OpenedImage;
  get(imageId: string): OpenedImage | undefined;
  /** Its preview's JPEG: held, or made again from its file (then held as the newest); undefined for a photo not open. */
  preview(imageId: string): Promise<Uint8Array | undefined>;
}

export interface ImageRegistryOptions {
  /** Photos kept open; the oldest are forgotten first. */
  maxImages?: number;
  /** What their previews may hold in memory; the newest one is always held. */
  maxPreviewBytes?: number;
  /** Makes a photo's preview again, as at its open (same edge, same limit). */
  remakePreview: (image: OpenedImage) => Promise<{ jpeg: Uint8Array; width: number; height: number }>;
}

/** A few full-screen previews of the largest size (6144 px: ~1.2–5 MB each), dozens at common sizes. */
export const PREVIEW_BYTES_HELD = 64 * 1024 * 1024;

/**
 * Images the user opened this session, by unguessable id. Only these can be shown (via the
 * image protocol) or deblurred: the renderer never names a path after opening. Bounded twice:
 * by count (a long session cannot keep every photo open), and by the bytes of their previews,
 * as large as the screen: a count alone let 200 of them hold ~250–430 MB all session. A preview
 * past the budget is let go (least recently shown first) and made again if shown again; its
 * photo stays open, with its path and limit.
 */
export function createImageRegistry({ maxImages = 200, maxPreviewBytes = PREVIEW_BYTES_HELD, remakePreview }: ImageRegistryOptions): ImageRegistry {
  const images = new Map<string, OpenedImage>();
  // Least recently shown first; a remake under way is shared by the requests that wait for it.
  const held = new Map<string, Uint8Array>();
  const remaking = new Map<string, Promise<Uint8Array>>();
  let heldBytes = 0;
  const letGo = (imageId: string): void => {
    heldBytes -= held.get(imageId)?.byteLength ?? 0;
    held.delete(imageId);
  };
  const hold = (imageId: string, jpeg: Uint8Array): void => {
    letGo(imageId);
    held.set(imageId, jpeg);
    heldBytes += jpeg.byteLength;
    while (heldBytes > maxPreviewBytes && held.size > 1) letGo(held.keys().next().value as string);
  };
  const remake = async (image: OpenedImage): Promise<Uint8Array> => {
    const made = await remakePreview(image);
    // The window was told the first one's size, and Before and After are drawn at it.
    if (made.width !== image.preview.width || made.height !== image.preview.height) {
      throw changedOnDisk(image, `its preview is now ${made.width} × ${made.height}, not ${image.preview.width} × ${image.preview.height}`);
    }
    if (images.has(image.imageId)) hold(image.imageId, made.jpeg);
    return made.jpeg;
  };
  return {
    add(image, previewJpeg) {
      const opened = { ...image, imageId: newId('img') };
      images.set(opened.imageId, opened);
      hold(opened.imageId, previewJpeg);
      while (images.size > maxImages) {
        const oldest = images.keys().next().value as string;
        images.delete(oldest);
        letGo(oldest);
      }
      return opened;
    },
    get: (imageId) => images.get(imageId),
    async preview(imageId) {
      const image = images.get(imageId);
      if (!image) return undefined;
      const jpeg = held.get(imageId);
      if (jpeg) {
        hold(imageId, jpeg);
        return jpeg;
      }
      let pending = remaking.get(imageId);
      if (!pending) {
        pending = remake(image).finally(() => remaking.delete(imageId));
        remaking.set(imageId, pending);
      }
      return pending;
    },
  };
}
