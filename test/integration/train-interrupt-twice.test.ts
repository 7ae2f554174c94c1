import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../unit/train/helpers.js';

/**
 * The training Ctrl-C handler in a real process: a second, deliberate Ctrl-C exits at once
 * (130) and says what was kept; a SIGINT that arrives with the first (npm relaying the same
 * press) does not. The child prints "aborted" when the first press aborts the run and answers
 * "alive" to each line on its stdin, so the test needs no sleeps.
 */
function child(samePressMs: number) {
  const module = JSON.stringify(path.join(repoRoot, 'model/src/train/train-interrupt.ts'));
  const script =
    `const { handleTrainingInterrupts } = await import(${module});` +
    'const c = new AbortController(); c.signal.onabort = () => console.log("aborted");' +
    `handleTrainingInterrupts(c, () => "nothing after the checkpoint at step 4 was kept.", ${samePressMs});` +
    'process.stdin.on("data", () => console.log("alive"));';
  const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: [RegExp, () => void][] = [];
  const check = () => waiters.splice(0).forEach(([re, done]) => (re.test(stdout) ? done() : waiters.push([re, done])));
  p.stdout.on('data', (b: Buffer) => ((stdout += b.toString()), check()));
  p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => p.on('close', (code) => resolve({ code, stderr })));
  // Fails at once when the child exits before printing what is awaited.
  const until = (re: RegExp) =>
    Promise.race([
      new Promise<void>((resolve) => (waiters.push([re, resolve]), check())),
      exited.then(({ code }) => (re.test(stdout) ? undefined : Promise.reject(new Error(`exited (${code}) before ${re}:\n${stdout}\n${stderr}`)))),
    ]);
  return { p, until, exited };
}

describe('Ctrl-C twice during training (real process)', () => {
  it('a second Ctrl-C exits at once with 130 and says nothing was saved since the last checkpoint', async () => {
    const c = child(0);
    c.p.stdin.write('ready?\n');
    await c.until(/alive/);
    c.p.kill('SIGINT');
    await c.until(/aborted/);
    c.p.kill('SIGINT');
    const { code, stderr } = await c.exited;
    expect(code).toBe(130);
    expect(stderr).toMatch(/^Stopping after this step and saving a checkpoint… \(Ctrl-C again to stop at once without saving\)$/m);
    expect(stderr).toMatch(/^Stopped at once, without saving: nothing after the checkpoint at step 4 was kept\.$/m);
  });

  it('SIGTERM then SIGHUP: the first stops after the step, the second exits at once with its own code (129)', async () => {
    const c = child(0);
    c.p.stdin.write('ready?\n');
    await c.until(/alive/);
    c.p.kill('SIGTERM');
    await c.until(/aborted/);
    c.p.kill('SIGHUP');
    const { code, stderr } = await c.exited;
    expect(code).toBe(129);
    expect(stderr).toMatch(/^Stopping after this step and saving a checkpoint \(SIGTERM\)… \(the signal again to stop at once without saving\)$/m);
    expect(stderr).toMatch(/^Stopped at once, without saving: nothing after the checkpoint at step 4 was kept\.$/m);
  });

  it('a SIGINT right behind the first is the same press: the run keeps stopping after its step', async () => {
    // A window far longer than the test takes: what counts here is that a SIGINT inside it is
    // ignored. (Two kill() calls in a row would merge into one pending signal, so the second is
    // sent once the first has been handled, as npm's relay arrives.)
    const c = child(60_000);
    c.p.stdin.write('ready?\n');
    await c.until(/alive/);
    c.p.kill('SIGINT');
    await c.until(/aborted/);
    c.p.kill('SIGINT');
    c.p.stdin.write('still there?\n');
    await c.until(/alive\n(.|\n)*alive/);
    c.p.stdin.end();
    c.p.kill('SIGTERM');
    const { stderr } = await c.exited;
    expect(stderr).not.toMatch(/Stopped at once/);
    expect(stderr.match(/Stopping after this step/g)).toHaveLength(1);
  });
});
