import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importedPackages, importLogFlags } from '../fixtures/import-log.js';
import { ortTelemetryTraces } from '../fixtures/ort-telemetry-traces.js';
import { repoRoot, sharedData } from './cli-run.js';

/** Each command loads only what it uses: TF.js is the trainer's alone (most of a second to import). */
describe('what a CLI command loads', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-imports-'));
  });

  /** Runs a command with a home and temp folder of its own; what it imported, and its pid. */
  async function loadedBy(name: string, args: string[]): Promise<{ loaded: string[]; pid: number; home: string; temp: string }> {
    const log = path.join(dir, `${name}.log`);
    const flags = await importLogFlags(dir, log);
    const home = await mkdtemp(path.join(dir, 'home-'));
    const temp = await mkdtemp(path.join(dir, 'temp-'));
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), UNSHAKE_DEBUG: '', HOME: home, TMPDIR: temp, ORT_DISABLE_TELEMETRY: '' };
    let pid = 0;
    await new Promise<void>((resolve, reject) => {
      const child = execFile(process.execPath, ['--import', 'tsx', ...flags, 'model/src/cli/index.ts', ...args], { cwd: repoRoot, env }, (error, _stdout, stderr) =>
        error ? reject(new Error(`${args[0]} failed: ${stderr}`)) : resolve(),
      );
      pid = child.pid!;
    });
    return { loaded: importedPackages(log), pid, home, temp };
  }

  it('deblur loads ORT and sharp, never TF.js, and ORT reports nothing home', async () => {
    const photo = sharedData('real-blur', 'lai_flower.jpg');
    const run = await loadedBy('deblur', ['deblur', photo, '--out', path.join(dir, 'out.jpg'), '--model', 'placeholder', '--cpu', '--region', '0,0,96,96']);
    expect(run.loaded).toEqual(expect.arrayContaining(['onnxruntime-node', 'sharp']));
    expect(run.loaded.filter((name) => name.startsWith('@tensorflow/'))).toEqual([]);
    expect(ortTelemetryTraces(run.pid, run.temp, run.home)).toEqual([]);
  });

  it('models loads neither ORT nor TF.js', async () => {
    const { loaded } = await loadedBy('models', ['models', '--json']);
    expect(loaded).not.toContain('onnxruntime-node');
    expect(loaded.filter((name) => name.startsWith('@tensorflow/'))).toEqual([]);
  });
});
