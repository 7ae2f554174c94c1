import type { MetadataSummary } from '../../common/ipc-contract.js';
import { newId } from '../ids.js';

export interface OpenedImage {
  imageId: string;
  path: string;
  fileName: string;
  metadata: MetadataSummary;
  preview: { jpeg: Uint8Array; width: number; height: number };
  /**
   * The megapixel limit it was opened under: its 100 % crops use this one, so a limit lowered
   * since guards what is opened or deblurred next, not the photo already on screen.
   */
  maxMegapixels: number;
}

export interface ImageRegistry {
  add(image: Omit<OpenedImage, 'imageId'>): OpenedImage;
  get(imageId: string): OpenedImage | undefined;
}

/**
 * Images the user opened this session, by unguessable id. Only these can be shown (via the
 * image protocol) or deblurred: the renderer never names a path after opening. Bounded, so a
 * long batch session cannot hold every preview forever; the oldest are forgotten first.
 */
export function createImageRegistry(maxImages = 200): ImageRegistry {
  const images = new Map<string, OpenedImage>();
  return {
    add(image) {
      const opened = { ...image, imageId: newId('img') };
      images.set(opened.imageId, opened);
      while (images.size > maxImages) images.delete(images.keys().next().value as string);
      return opened;
    },
    get: (imageId) => images.get(imageId),
  };
}
