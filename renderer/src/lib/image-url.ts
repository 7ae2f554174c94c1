/** A rectangle of the upright full-resolution photo, in photo pixels. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The URL of a full-resolution region of what a preview URL shows: main serves
 * `…/preview/img_…` and `…/result/job_…` at screen size and `…/crop/<id>/x/y/w/h` at 100 %.
 * Built from the preview's own URL so it keeps whatever scheme or route main gave it.
 */
export function cropUrl(previewUrl: string, region: Region): string {
  const match = /\/(?:preview|result)\/((?:img|job)_[a-z0-9]+)$/.exec(previewUrl);
  if (!match) throw new Error(`not a preview URL: ${previewUrl}`);
  const { left, top, width, height } = region;
  return `${previewUrl.slice(0, match.index)}/crop/${match[1]}/${left}/${top}/${width}/${height}`;
}

/** The region of a width×height photo that a window of `viewWidth`×`viewHeight` photo pixels shows around `centre`. */
export function viewAround(centre: { x: number; y: number }, photo: { width: number; height: number }, viewWidth: number, viewHeight: number): Region {
  const width = Math.max(1, Math.min(photo.width, Math.round(viewWidth)));
  const height = Math.max(1, Math.min(photo.height, Math.round(viewHeight)));
  const clamp = (v: number, hi: number) => Math.min(Math.max(0, Math.round(v)), hi);
  return { left: clamp(centre.x - width / 2, photo.width - width), top: clamp(centre.y - height / 2, photo.height - height), width, height };
}
