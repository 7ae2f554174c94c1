import { randomUUID } from 'node:crypto';

/** `img_…` / `job_…` / `batch_…` ids: unguessable, lowercase alphanumeric, matching the contract's regex. */
export function newId(prefix: 'img' | 'job' | 'batch'): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}
