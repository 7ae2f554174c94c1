import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Helpers for the CLI integration tests: run the real CLI as a child process. */
export const repoRoot = path.resolve(import.meta.dirname, '../..');

export function sharedData(...parts: string[]): string {
  const p = path.resolve(repoRoot, '../shared/data', ...parts);
  if (!existsSync(p)) throw new Error(`Test data missing: ${p} (expected ../shared/data next to the repo)`);
  return p;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `env` adds variables: XDG_CONFIG_HOME moves the default models folder on Linux. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'model/src/cli/index.ts', ...args],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, UNSHAKE_DEBUG: '', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A fine-tuned model as `npm run train` saves it: `<modelsDir>/<id>/model.onnx` + `<id>.manifest.json` (the placeholder's graph). */
export async function installUserModel(modelsDir: string, id: string): Promise<void> {
  const dir = path.join(modelsDir, id);
  await mkdir(dir, { recursive: true });
  const weights = path.resolve(repoRoot, 'model/weights');
  await copyFile(path.join(weights, 'placeholder.onnx'), path.join(dir, 'model.onnx'));
  const manifest = JSON.parse(await readFile(path.join(weights, 'placeholder.manifest.json'), 'utf8'));
  const sha256 = createHash('sha256').update(await readFile(path.join(dir, 'model.onnx'))).digest('hex');
  const own = { ...manifest, id, name: `Fine-tuned ${id}`, placeholder: false, file: 'model.onnx', sha256 };
  await writeFile(path.join(dir, `${id}.manifest.json`), JSON.stringify(own, null, 2));
}
