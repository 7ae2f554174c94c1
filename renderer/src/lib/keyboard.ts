import type { Settings } from '../../../electron/common/index.js';

const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'range', 'color', 'file', 'reset', 'submit']);

/** Whether a key pressed on `target` types text there, so a one-key shortcut must leave it alone. */
export function typesText(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !NON_TEXT_INPUTS.has(target.type);
  return target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/**
 * Whether Z and \ (keys with no modifier) act: on unless turned off in the Output panel, for
 * speech input, which types letters (WCAG 2.1.4). Unknown settings (not loaded yet) count as on.
 */
export function singleKeysOn(settings: Settings | null): boolean {
  return settings?.singleKeyShortcuts !== false;
}
