import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here: ORT and sharp already use both, so run files one or two at a time.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
