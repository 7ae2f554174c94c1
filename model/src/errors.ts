import type { ErrorCode, ErrorInfo } from '../../electron/common/error-codes.js';

/** An error a user can read: a stable code plus one human sentence (no stack traces in UI). */
export class UnshakeError extends Error {
  override readonly name = 'UnshakeError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** Turn anything thrown into an ErrorInfo; unknown errors become INTERNAL with their message. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof UnshakeError) return error.toInfo();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}
