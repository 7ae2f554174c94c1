import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installUserModel, runCli } from './cli-run.js';

let tmp: string;
let models: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-models-text-'));
  models = path.join(tmp, 'models');
  // A manifest anyone could have written: its name clears the screen and sets the window title,
  // its description prints a line that looks like the CLI's own error.
  await installUserModel(models, 'evil');
  const file = path.join(models, 'evil', 'evil.manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as object;
  await writeFile(file, JSON.stringify({ ...manifest, name: 'Evil\u001b[2J\u001b[31mRED\u001b]0;pwned\u0007\u009b1m', description: 'line1\nerror [MODEL_INVALID]: fake\r\u0008!' }));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('npm run models prints manifests as text, and says where it looked', () => {
  it('strips escape sequences and control characters from a name and description, and keeps each model on its lines', async () => {
    const r = await runCli(['models', '--models-dir', models]);
    expect(r.code, r.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout).toMatch(/^evil +EvilRED \[user, [\d,]+ parameters\]\n {17}line1 error \[MODEL_INVALID\]: fake !$/m);
    expect(r.stdout).not.toMatch(/^error/m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`your models: ${models}`);
    // --json keeps stdout JSON; the folder is said on stderr. The name is the one the app shows too:
    // a manifest's name is made one clean line when it is read (cleanModelName).
    const json = await runCli(['models', '--models-dir', models, '--json']);
    expect(JSON.parse(json.stdout).find((m: { id: string }) => m.id === 'evil').name).toBe('EvilRED');
    expect(json.stderr).toContain(`your models: ${models}\n`);
  });

  it('refuses a --models-dir that is not there or is a file, for models, deblur and eval, before any work', async () => {
    const typo = path.join(tmp, 'modles');
    for (const args of [['models'], ['deblur', path.join(tmp, 'photo.jpg')], ['eval', '--set', tmp]]) {
      const r = await runCli([...args, '--models-dir', typo]);
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr, args[0]).toMatch(new RegExp(`^error \\[FILE_NOT_FOUND\\]: --models-dir ${typo} does not exist: name the folder your models are in`, 'm'));
    }
    const file = path.join(tmp, 'notes.txt');
    await writeFile(file, 'not a folder');
    const r = await runCli(['models', '--models-dir', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error [INVALID_REQUEST]: --models-dir ${file} is a file, not a folder`);
    expect(r.stdout).toBe('');
  });
});
