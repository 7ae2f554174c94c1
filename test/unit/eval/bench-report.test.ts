import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../../model/src/eval/bench.js';
import { benchMarkdown } from '../../../model/src/eval/bench-report.js';

const REPORT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/bench.json');

describe('bench report read back from bench.json (npm run bench -- --train-only)', () => {
  it('still marks the best tile of the sweep, and only that one', async () => {
    const report = JSON.parse(await readFile(REPORT, 'utf8')) as BenchReport;
    const { best } = report.network;
    const marked = benchMarkdown(report)
      .split('\n')
      .filter((line) => line.endsWith(' ← |'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(new RegExp(`^\\| ${best.tileSize}² \\| ${best.threads} \\|`));
  });

  it('names a photo under 10 MP to a tenth, not "0 MP"', async () => {
    const report = JSON.parse(await readFile(REPORT, 'utf8')) as BenchReport;
    const small = { ...report, endToEnd: report.endToEnd.map((e) => ({ ...e, megapixels: 0.31 })) };
    const markdown = benchMarkdown(small);
    expect(markdown).toContain('0.3 MP');
    expect(markdown).not.toMatch(/\b0 MP/);
  });
});
