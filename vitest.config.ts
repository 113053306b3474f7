import { defineConfig } from 'vitest/config';

// One run, two projects. chDB segfaults when loaded in several worker threads of one process,
// so every test runs in the `forks` pool: each test file in a process of its own.
// The time limits only catch a test that hangs; speed is the benchmarks' business. They leave
// room for a slow day: the two projects share two cores, and a property test of a thousand runs
// (2 s alone) or a comparison over every scope and asOf (50 s alone) can take several times as
// long beside the rest of the suite.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    // CI also writes a JSON report, summarised by .ci/run as one closing line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          pool: 'forks',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          pool: 'forks',
          include: ['packages/*/src/**/*.integration.test.ts', 'services/*/src/**/*.integration.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['infra/stack/vitest-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
