import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowestFirst } from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // one worker per core: vitest's default (cores - 1) ran the files one at a time on the 2-core CI machine
    maxWorkers: availableParallelism(),
    sequence: { sequencer: SlowestFirst },
  },
});
