/**
 * Whether a process of this machine still runs. Signal 0 tests it without touching it: only ESRCH
 * means gone; EPERM is another user's live process, and anything else is taken as alive too — the
 * safe side for both callers (a temp file or a training run's lock is then left, not taken over).
 */
export function isProcessRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
