import path from 'node:path';
import { UnshakeError } from '../../../model/src/errors.js';
import { requireAbsolutePath } from './paths.js';

export interface GrantedPaths {
  /** A file or folder the user handed over; a folder grants everything inside it. */
  grant(absolutePath: string): void;
  /** `value`, absolute and normalised, if it was handed over (or lies in a folder that was); else FORBIDDEN_PATH. */
  require(value: string, what: string): string;
}

/**
 * The photos and folders the user gave the window (dropped, or chosen in a picker): the only paths
 * a renderer request may name. The preload reports each one as the page asks Electron for a
 * File's path, which a page cannot forge (a File it makes itself has none); so a compromised page
 * can open, batch or train on what the user handed it, not any image elsewhere on disk, nor write
 * results beside it, nor reach a network share the user never chose. The check is by name: a link
 * inside a handed-over folder leads where the user's own folder leads.
 */
export function createGrantedPaths(): GrantedPaths {
  const granted = new Set<string>();
  // Windows and macOS names are case-insensitive as the filesystems are (by default).
  const key = process.platform === 'win32' || process.platform === 'darwin' ? (p: string) => p.toLowerCase() : (p: string) => p;
  const trimmed = (p: string) => (p.length > path.parse(p).root.length ? p.replace(/[\\/]+$/, '') : p);
  return {
    grant(absolutePath) {
      if (path.isAbsolute(absolutePath)) granted.add(key(trimmed(path.normalize(absolutePath))));
    },
    require(value, what) {
      const candidate = requireAbsolutePath(value, what);
      // The path or one of its folders, walking up: a batch of 10,000 dropped photos checks in
      // O(depth) each, not against every grant.
      for (let at = trimmed(candidate); ; at = path.dirname(at)) {
        if (granted.has(key(at))) return candidate;
        if (path.dirname(at) === at) break;
      }
      throw new UnshakeError(
        'FORBIDDEN_PATH',
        `${path.basename(candidate) || candidate} was not handed to Unshake: drop it on the window, or choose it in Unshake (Open…, Deblur a folder…, or Choose folder… in Fine-tune).`,
      );
    },
  };
}
