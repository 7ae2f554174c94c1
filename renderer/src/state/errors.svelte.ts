import type { ErrorInfo } from '../../../electron/common/index.js';
import { ApiError } from '../lib/api.js';

/** The one error banner: the latest failure a user should read, until they dismiss it. */
class ErrorState {
  current = $state<ErrorInfo | null>(null);

  show(error: unknown): void {
    this.current = toInfo(error);
  }

  dismiss(): void {
    this.current = null;
  }
}

function toInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Something went wrong: ${detail}` };
}

export const errors = new ErrorState();
