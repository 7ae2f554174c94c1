/**
 * What this window remembers across a reload (Ctrl+R, a renderer crash) but not across a restart:
 * the page's session storage, which the reloaded page gets back. Settings that should outlive the
 * app belong in main's settings store instead. Storage that is unavailable remembers nothing.
 */
import { regionMaskSchema, type RegionMask } from '../../../electron/common/index.js';

const PREFIX = 'unshake.';
/** The key of the remembered selection (read early by a restore, see recallSelection). */
export const SELECTION_MEMORY = 'selection';
const STRENGTH_MEMORY = 'strength';
const CLEARED_BATCHES_MEMORY = 'clearedBatches';

/** The page's session storage, typed here so Node (the unit tests) compiles this file too. */
type SessionStore = { getItem(key: string): string | null; setItem(key: string, value: string): void };
const sessionStore = (): SessionStore | undefined => (globalThis as { sessionStorage?: SessionStore }).sessionStorage;

export function recall(key: string): string | null {
  try {
    return sessionStore()?.getItem(PREFIX + key) ?? null;
  } catch {
    return null;
  }
}

export function remember(key: string, value: string): void {
  try {
    sessionStore()?.setItem(PREFIX + key, value);
  } catch {
    // Full or blocked: the value is only lost on a reload.
  }
}

/** The selection drawn on the photo on screen (undefined: the whole photo), for after a reload. */
export function rememberSelection(imageId: string, mask: RegionMask | undefined): void {
  remember(SELECTION_MEMORY, JSON.stringify({ imageId, mask: mask ?? null }));
}

/** The selection that was drawn on `imageId` before the reload; null if none was remembered for it. */
export function recallSelection(imageId: string, stored: string | null = recall(SELECTION_MEMORY)): { mask: RegionMask | undefined } | null {
  try {
    const parsed = JSON.parse(stored ?? 'null') as { imageId?: unknown; mask?: unknown } | null;
    if (parsed?.imageId !== imageId) return null;
    if (parsed.mask === null) return { mask: undefined };
    const mask = regionMaskSchema.safeParse(parsed.mask);
    return mask.success ? { mask: mask.data } : null;
  } catch {
    return null;
  }
}

/** The strength slider's value (a whole percent), for after a reload. */
export function rememberStrength(percent: number): void {
  remember(STRENGTH_MEMORY, String(percent));
}

/** The slider's strength before the reload, if it was moved (a whole percent, 0–100). */
export function recallStrength(): number | null {
  const percent = Number(recall(STRENGTH_MEMORY) ?? NaN);
  return Number.isInteger(percent) && percent >= 0 && percent <= 100 ? percent : null;
}

/** Batches taken off the list (Clear finished batches), so a reload does not bring them back. */
export function rememberClearedBatches(runIds: readonly string[]): void {
  remember(CLEARED_BATCHES_MEMORY, JSON.stringify([...recallClearedBatches(), ...runIds].slice(-200)));
}

export function recallClearedBatches(): Set<string> {
  try {
    const parsed = JSON.parse(recall(CLEARED_BATCHES_MEMORY) ?? '[]') as unknown;
    return new Set(Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

const COMPARE_MEMORY = 'compare';

/** How the photo is compared (After or Split, and the divider's place), for after a reload. */
export function rememberCompare(mode: 'after' | 'split', splitAt: number): void {
  remember(COMPARE_MEMORY, JSON.stringify({ mode, splitAt }));
}

export function recallCompare(): { mode: 'after' | 'split'; splitAt: number } {
  try {
    const { mode, splitAt } = JSON.parse(recall(COMPARE_MEMORY) ?? '{}') as { mode?: unknown; splitAt?: unknown };
    return { mode: mode === 'split' ? 'split' : 'after', splitAt: typeof splitAt === 'number' && splitAt >= 0 && splitAt <= 1 ? splitAt : 0.5 };
  } catch {
    return { mode: 'after', splitAt: 0.5 };
  }
}
