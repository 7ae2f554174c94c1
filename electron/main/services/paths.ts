import path from 'node:path';
import { UnshakeError } from '../../../model/src/errors.js';

/** Paths from the renderer must be absolute: a relative one would depend on main's cwd. */
export function requireAbsolutePath(value: string, what: string): string {
  if (!path.isAbsolute(value)) {
    throw new UnshakeError('INVALID_REQUEST', `The ${what} must be an absolute path, got "${value.slice(0, 200)}".`);
  }
  return path.normalize(value);
}
