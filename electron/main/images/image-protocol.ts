/** The custom scheme that shows previews in the renderer instead of file:// URLs. */
export const IMAGE_SCHEME = 'unshake-image';

const ID_PATTERN = /^(img|job)_[a-z0-9]{8,32}$/;
/** A crop's edge: a 4K screen at 2× is 7680 device pixels wide. */
const MAX_CROP_EDGE = 8192;

export type ImageUrlKind = 'preview' | 'result' | 'crop';
export interface CropRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}
export interface ImageTarget {
  kind: ImageUrlKind;
  id: string;
  /** For 'crop': the full-resolution region of the photo (img_…) or of the result (job_…). */
  region?: CropRegion;
}

export const previewUrl = (imageId: string) => `${IMAGE_SCHEME}://preview/${imageId}`;
/** The deblurred result of a finished job, at preview size (for before/after). */
export const resultPreviewUrl = (jobId: string) => `${IMAGE_SCHEME}://result/${jobId}`;
/** A full-resolution region of an opened photo or of a result, for the 100 % view. */
export const cropUrl = (id: string, r: CropRegion) => `${IMAGE_SCHEME}://crop/${id}/${r.left}/${r.top}/${r.width}/${r.height}`;

/**
 * Only `unshake-image://preview/img_…`, `…://result/job_…` and `…://crop/(img|job)_…/x/y/w/h`
 * (non-negative integers, edges at most MAX_CROP_EDGE); anything else is null.
 */
export function parseImageUrl(url: string): ImageTarget | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${IMAGE_SCHEME}:` || parsed.search || parsed.hash || parsed.username || parsed.password) return null;
  const kind = parsed.host;
  const [id = '', ...numbers] = parsed.pathname.replace(/^\//, '').split('/');
  if (!ID_PATTERN.test(id)) return null;
  if (kind === 'preview' || kind === 'result') {
    return numbers.length === 0 && id.startsWith(kind === 'preview' ? 'img_' : 'job_') ? { kind, id } : null;
  }
  if (kind !== 'crop' || numbers.length !== 4 || !numbers.every((n) => /^(0|[1-9][0-9]{0,8})$/.test(n))) return null;
  const [left, top, width, height] = numbers.map(Number) as [number, number, number, number];
  if (width < 1 || height < 1 || width > MAX_CROP_EDGE || height > MAX_CROP_EDGE) return null;
  return { kind, id, region: { left, top, width, height } };
}

export type ImageSource = (target: ImageTarget) => Promise<Uint8Array | undefined>;

/**
 * protocol.handle body. It maps ids to bytes the services already hold, never a URL to a path,
 * so there is nothing to traverse: unknown or malformed ids are a plain 404. A preview or crop
 * that could not be made (the imaging process crashed, the file is damaged or gone) is a 404
 * too (the window shows the enlarged preview, or its job says why), but its cause is logged and
 * in the body: a bare 404 left no trace of why the window showed none.
 */
export function createImageRequestHandler(source: ImageSource): (url: string) => Promise<Response> {
  return async (url) => {
    const target = parseImageUrl(url);
    let bytes: Uint8Array | undefined;
    try {
      bytes = target ? await source(target) : undefined;
    } catch (error) {
      console.error(`[image] ${url} could not be made:`, error);
      const cause = error instanceof Error ? error.message : String(error);
      return new Response(`Could not be made: ${cause}`, { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    if (!bytes) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: {
        'content-type': 'image/jpeg',
        // An id always names the same pixels, so the renderer may cache it.
        'cache-control': 'private, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      },
    });
  };
}
