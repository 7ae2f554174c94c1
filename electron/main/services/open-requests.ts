import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isPhotoName } from '../../common/photo-types.js';
import type { GrantedPaths } from './granted-paths.js';

/**
 * Photos the system asks the app to open: "Open with Unshake", a photo dropped on its icon, or
 * `unshake photo.jpg` (the first launch's arguments, a second launch's, macOS's open-file). They are
 * handed over by the user as surely as a drop, so each is granted; they wait here until the window
 * takes them (it may still be loading, or be reloaded), and the window is told when there are some.
 */
export interface OpenRequests {
  /** Queues the photo files among `candidates` (anything else — flags, the app's own path — is passed over). */
  request(candidates: readonly string[], cwd?: string): Promise<void>;
  take(): string[];
  onRequest(listener: () => void): () => void;
}

export function createOpenRequests(granted: GrantedPaths): OpenRequests {
  let queued: string[] = [];
  const listeners = new Set<() => void>();
  return {
    async request(candidates, cwd = process.cwd()) {
      const photos: string[] = [];
      for (const candidate of candidates) {
        if (candidate.startsWith('-') || !isPhotoName(candidate)) continue;
        const absolute = path.resolve(cwd, candidate);
        if (!(await stat(absolute).then((s) => s.isFile(), () => false))) continue;
        granted.grant(absolute);
        photos.push(absolute);
      }
      if (photos.length === 0) return;
      queued = [...queued.filter((p) => !photos.includes(p)), ...photos];
      for (const listener of listeners) listener();
    },
    take() {
      const taken = queued;
      queued = [];
      return taken;
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
