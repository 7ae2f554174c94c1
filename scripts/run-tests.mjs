#!/usr/bin/env node
// Runs vitest with a JSON report next to the normal output, then prints the totals alone on the
// last line ("N passed, N failed") so CI and people can see a run that executed no test.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const reportPath = path.resolve('test-results', 'vitest.json');
mkdirSync(path.dirname(reportPath), { recursive: true });
rmSync(reportPath, { force: true });

const vitestBin = path.resolve('node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(
  process.execPath,
  [vitestBin, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportPath}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

let passed = 0;
let failed;
let skipped = 0;
if (existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  // A file that fails to load has no failed test, only a failed suite: count it too.
  failed = (report.numFailedTests ?? 0) || (report.numFailedTestSuites ?? 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  failed = 1;
  console.error('No vitest report was written: the test run did not complete.');
}
const code = run.status ?? 1;
// A suite that failed to load counts as a failure even if no single test failed.
if (code !== 0 && failed === 0) failed = 1;
if (skipped) console.log(`${skipped} skipped (see above for why)`);
// The totals, alone on the last line, in exactly this form.
console.log(`${passed} passed, ${failed} failed`);
process.exit(code !== 0 ? code : passed === 0 ? 1 : 0);
