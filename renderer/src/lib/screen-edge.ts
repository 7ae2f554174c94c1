/**
 * The longest edge of the screen the window is on, in device pixels: main makes previews that
 * long, so Fit never shows one enlarged, even with the window maximised or on a 4K/retina screen.
 */
export function screenEdge(): number {
  const { width, height } = globalThis.screen;
  return Math.round(Math.max(width, height) * (globalThis.devicePixelRatio || 1));
}
