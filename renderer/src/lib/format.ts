/** Display helpers for the metadata panel and status bar: pure string formatting, no state. */

export function formatDimensions(width: number, height: number): string {
  return `${width} × ${height}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}

// EXIF orientation values as a person would describe the stored image.
const ORIENTATIONS: Record<number, string> = {
  1: 'Normal',
  2: 'Mirrored',
  3: 'Rotated 180°',
  4: 'Flipped vertically',
  5: 'Mirrored, rotated 90° CCW',
  6: 'Rotated 90° CW',
  7: 'Mirrored, rotated 90° CW',
  8: 'Rotated 90° CCW',
};

export function formatOrientation(orientation: number): string {
  return `${ORIENTATIONS[orientation] ?? 'Unknown'} (${orientation})`;
}

/** EXIF dates arrive as ISO strings; show them in the user's locale, or as given if unparsable. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function formatFormat(format: string): string {
  return format.toUpperCase();
}

// sharp/libvips interpretations as a photographer names the colour model (Photoshop's "RGB/8").
const COLOUR_MODELS: Record<string, string> = {
  srgb: 'RGB',
  rgb: 'RGB',
  rgb16: 'RGB',
  scrgb: 'RGB',
  'b-w': 'Grayscale',
  grey16: 'Grayscale',
  cmyk: 'CMYK',
  lab: 'Lab',
  labs: 'Lab',
  labq: 'Lab',
};

/** "8-bit RGB", "16-bit Grayscale + alpha": depth per channel, colour model, alpha. */
export function formatPixelFormat(bitDepth: number, space: string, hasAlpha: boolean): string {
  return `${bitDepth}-bit ${COLOUR_MODELS[space] ?? space.toUpperCase()}${hasAlpha ? ' + alpha' : ''}`;
}
