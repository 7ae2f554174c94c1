import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository the bench runs from (it is a developer's tool, never bundled into the app). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
