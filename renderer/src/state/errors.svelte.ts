import type { ErrorInfo } from '../../../electron/common/index.js';
import { ApiError } from '../lib/api.js';

/** One banner: an error or notice a user should read, until they dismiss it. */
export interface ShownError extends ErrorInfo {
  /** Stable across the list's changes: the banner's key and the way to dismiss just this one. */
  readonly id: number;
  /** What raised it, when it said (see withdraw); null for anything else. */
  readonly source: string | null;
  /** Told once by main (a settings file or journal line set aside): only the user's dismiss takes it away. */
  readonly told: boolean;
}

/**
 * The error banners, oldest first. One banner used to hold them all, so two notices at start (a
 * settings file and a journal line set aside) or an error while another was unread lost one for
 * good: each stays now until read and dismissed, and the same message twice is shown once.
 */
class ErrorState {
  shown = $state<ShownError[]>([]);
  private nextId = 1;

  /** Shows `error`; `source` names what raised it, so that a later success of the same can take it back. */
  show(error: unknown, source?: string): void {
    this.add(toInfo(error), source ?? null, false);
  }

  /** A notice main hands out once: a later action's clear() leaves it, since it cannot be asked for again. */
  tell(error: unknown): void {
    this.add(toInfo(error), null, true);
  }

  /** The user read this one. */
  dismiss(id: number): void {
    this.shown = this.shown.filter((shown) => shown.id !== id);
  }

  /**
   * A new action began or succeeded (a photo opened, a deblur or a run started): the earlier
   * actions' errors no longer say what is true. Notices told once stay until dismissed.
   */
  clear(): void {
    if (this.shown.some((shown) => !shown.told)) this.shown = this.shown.filter((shown) => shown.told);
  }

  /**
   * `source` has since succeeded: its banner no longer says what is true (a BMP refused, then a
   * TIFF saved). Any other error stays until read and dismissed.
   */
  withdraw(source: string): void {
    if (this.shown.some((shown) => shown.source === source)) this.shown = this.shown.filter((shown) => shown.source !== source);
  }

  private add(info: ErrorInfo, source: string | null, told: boolean): void {
    // The same words again (a field refused twice) would only repeat a banner already there.
    const same = this.shown.find((shown) => shown.code === info.code && shown.message === info.message);
    // The same words raised again without a source (a Deblur refused for the reason a banner
    // already says) keep the first one's, so what withdraws it still does.
    const from = source ?? same?.source ?? null;
    if (same) {
      if (same.source === from && (same.told || !told)) return;
      this.dismiss(same.id);
    }
    this.shown = [...this.shown, { ...info, id: this.nextId++, source: from, told: told || (same?.told ?? false) }];
  }
}

function toInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Something went wrong: ${detail}` };
}

export const errors = new ErrorState();
