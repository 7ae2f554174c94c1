/** The words every disk-full message carries, which isDiskFull also reads. */
export const DISK_FULL = 'the disk is full';

/**
 * A write failed for want of space: every later photo of a batch would fail the same way. By
 * the message too, as an error from the engine's process arrives without its cause.
 */
export function isDiskFull(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC' || e.message.includes(DISK_FULL) || /no space left on device/i.test(e.message)) return true;
  }
  return false;
}
