/** The custom scheme that shows previews in the renderer instead of file:// URLs. */
export const IMAGE_SCHEME = 'unshake-image';

const ID_PATTERN = /^(img|job)_[a-z0-9]{8,32}$/;

export type ImageUrlKind = 'preview' | 'result';

export const previewUrl = (imageId: string) => `${IMAGE_SCHEME}://preview/${imageId}`;
/** The deblurred result of a finished job, at preview size (for before/after). */
export const resultPreviewUrl = (jobId: string) => `${IMAGE_SCHEME}://result/${jobId}`;

/** Only `unshake-image://preview/img_…` and `…://result/job_…`; anything else is null. */
export function parseImageUrl(url: string): { kind: ImageUrlKind; id: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${IMAGE_SCHEME}:` || parsed.search || parsed.username || parsed.password) return null;
  const kind = parsed.host;
  const id = parsed.pathname.replace(/^\//, '');
  if (kind !== 'preview' && kind !== 'result') return null;
  if (!ID_PATTERN.test(id) || !id.startsWith(kind === 'preview' ? 'img_' : 'job_')) return null;
  return { kind, id };
}

export type ImageSource = (kind: ImageUrlKind, id: string) => Promise<Uint8Array | undefined>;

/**
 * protocol.handle body. It maps ids to bytes the services already hold, never a URL to a path,
 * so there is nothing to traverse: unknown or malformed ids are a plain 404.
 */
export function createImageRequestHandler(source: ImageSource): (url: string) => Promise<Response> {
  return async (url) => {
    const target = parseImageUrl(url);
    const bytes = target ? await source(target.kind, target.id).catch(() => undefined) : undefined;
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
