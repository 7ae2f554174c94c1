/**
 * Error codes shared by the engine, the CLI, main and the renderer.
 * Pure TS: no electron, no node imports. Every failure a user can see carries one of these
 * codes plus a human sentence, so the UI and CLI can explain it without parsing messages.
 */
export const ERROR_CODES = [
  'FILE_NOT_FOUND',
  'FILE_UNREADABLE',
  'FILE_EMPTY',
  /** An opened photo's file is another picture now (saved over, cropped): what it was opened as can no longer be read. */
  'FILE_CHANGED',
  'UNSUPPORTED_FORMAT',
  'CORRUPT_IMAGE',
  'IMAGE_TOO_LARGE',
  'INVALID_REQUEST',
  'IMAGE_NOT_OPEN',
  'MODEL_NOT_FOUND',
  'MODEL_INVALID',
  'INFERENCE_FAILED',
  'JOB_NOT_FOUND',
  'JOB_NOT_DONE',
  'RESULT_NOT_KEPT',
  'CANCELLED',
  'OUTPUT_EXISTS',
  'WRITE_FAILED',
  'FORBIDDEN_SENDER',
  'FORBIDDEN_PATH',
  'WORKER_CRASHED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}
