import { vi } from 'vitest';

/** Run an in-process CLI command, capturing what it writes to stdout and stderr. */
export async function captureOutput(command: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return { code: await command(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
