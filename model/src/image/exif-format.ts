/**
 * Human strings for the metadata panel from exifr's tag output (parsed with
 * reviveValues/translateValues off, so dates stay as the camera wrote them).
 */
export interface ExifTags {
  Make?: unknown;
  Model?: unknown;
  LensModel?: unknown;
  LensMake?: unknown;
  ExposureTime?: unknown;
  FNumber?: unknown;
  ISO?: unknown;
  FocalLength?: unknown;
  DateTimeOriginal?: unknown;
  OffsetTimeOriginal?: unknown;
}

export const EXIF_SUMMARY_TAGS = [
  'Make', 'Model', 'LensModel', 'LensMake', 'ExposureTime', 'FNumber', 'ISO', 'FocalLength', 'DateTimeOriginal', 'OffsetTimeOriginal',
] as const;

/** "Make Model", without repeating the maker when the model already names it ("Canon Canon EOS R5"). */
export function cameraName(tags: ExifTags): string | null {
  const make = text(tags.Make);
  const model = text(tags.Model);
  if (!make || !model) return make ?? model;
  const brand = make.split(/\s+/u)[0]!.toLowerCase();
  return model.toLowerCase().startsWith(brand) ? model : `${make} ${model}`;
}

export function lensName(tags: ExifTags): string | null {
  const model = text(tags.LensModel);
  const make = text(tags.LensMake);
  if (!model) return null;
  return make && !model.toLowerCase().startsWith(make.toLowerCase()) ? `${make} ${model}` : model;
}

/** e.g. "1/60 s · f/2.8 · ISO 400 · 35 mm"; only the parts present; null if none. */
export function exposureText(tags: ExifTags): string | null {
  const parts: string[] = [];
  const time = num(tags.ExposureTime);
  if (time !== null && time > 0) parts.push(`${shutter(time)} s`);
  const aperture = num(tags.FNumber);
  if (aperture !== null && aperture > 0) parts.push(`f/${round1(aperture)}`);
  const iso = num(Array.isArray(tags.ISO) ? tags.ISO[0] : tags.ISO);
  if (iso !== null && iso > 0) parts.push(`ISO ${Math.round(iso)}`);
  const focal = num(tags.FocalLength);
  if (focal !== null && focal > 0) parts.push(`${round1(focal)} mm`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/**
 * DateTimeOriginal as ISO 8601. EXIF stores the camera's wall-clock time without a zone, so
 * the result has no zone either ("2024-05-06T07:08:09") unless OffsetTimeOriginal gives one.
 */
export function takenAtIso(tags: ExifTags): string | null {
  const match = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/u.exec(text(tags.DateTimeOriginal) ?? '');
  if (!match || match[1] === '0000') return null;
  const [, y, mo, d, h, mi, s] = match;
  const offset = text(tags.OffsetTimeOriginal);
  const zone = offset && /^[+-]\d{2}:\d{2}$/u.test(offset) ? offset : '';
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`;
}

function shutter(seconds: number): string {
  if (seconds >= 1) return String(round1(seconds));
  const denominator = 1 / seconds;
  // 1/60, 1/8000 ... when the reciprocal is (nearly) whole; else decimals such as 0.3.
  return Math.abs(denominator - Math.round(denominator)) < 0.01 * denominator ? `1/${Math.round(denominator)}` : String(round1(seconds));
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const clean = v.replace(/\0+/gu, '').trim();
  return clean ? clean : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
