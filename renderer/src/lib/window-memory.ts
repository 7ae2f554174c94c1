/**
 * What this window remembers across a reload (Ctrl+R, a renderer crash) but not across a restart:
 * the page's session storage, which the reloaded page gets back. Settings that should outlive the
 * app belong in main's settings store instead. Storage that is unavailable remembers nothing.
 */
const PREFIX = 'unshake.';

export function recall(key: string): string | null {
  try {
    return sessionStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

export function remember(key: string, value: string): void {
  try {
    sessionStorage.setItem(PREFIX + key, value);
  } catch {
    // Full or blocked: the value is only lost on a reload.
  }
}
