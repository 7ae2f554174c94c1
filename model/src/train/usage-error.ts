import { UnshakeError } from '../errors.js';

/**
 * A request the command line itself got wrong (a flag's value, a flag that contradicts the run
 * being resumed): `unshake train` exits 2 for it instead of 1, as for a malformed command line.
 */
export class UsageError extends UnshakeError {
  constructor(message: string) {
    super('INVALID_REQUEST', message);
  }
}
