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
 * can open, batch or train on what the user handed it, never read any image on disk or write
 * results beside it, nor reach a network share the user never chose.
 */
export function createGrantedPaths(): GrantedPaths {
  const granted = new Set<string>();
  const inside = (candidate: string, root: string) => {
    const relative = path.relative(root, candidate);
    return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
  };
  return {
    grant(absolutePath) {
      if (path.isAbsolute(absolutePath)) granted.add(path.normalize(absolutePath));
    },
    require(value, what) {
      const candidate = requireAbsolutePath(value, what);
      for (const root of granted) if (inside(candidate, root)) return candidate;
      throw new UnshakeError(
        'FORBIDDEN_PATH',
        `${path.basename(candidate) || candidate} was not handed to Unshake: drop it on the window, or choose it with Open… or Deblur a folder….`,
      );
    },
  };
}
