import type { ErrorInfo } from '../../../electron/common/index.js';
import { ApiError } from '../lib/api.js';

/** The one error banner: the latest failure a user should read, until they dismiss it. */
class ErrorState {
  current = $state<ErrorInfo | null>(null);
  /** What raised the banner shown, when it said (see withdraw); null for anything else. */
  private source: string | null = null;

  /** Shows `error`; `source` names what raised it, so that a later success of the same can take it back. */
  show(error: unknown, source?: string): void {
    this.current = toInfo(error);
    this.source = source ?? null;
  }

  dismiss(): void {
    this.current = null;
    this.source = null;
  }

  /**
   * `source` has since succeeded: its banner, if it is still the one shown, no longer says what is
   * true (a BMP refused, then a TIFF saved). Any other error stays until read and dismissed.
   */
  withdraw(source: string): void {
    if (this.current && this.source === source) this.dismiss();
  }
}

function toInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Something went wrong: ${detail}` };
}

export const errors = new ErrorState();
