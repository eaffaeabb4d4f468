import { defineConfig } from 'vitest/config';

// Three tiers: unit tests beside the code (seconds), integration tests against PGlite and the
// PostgreSQL server, and browser tests driving Debian's Chromium. Each tier reuses one server per file.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'web/src/**/*.test.ts', 'bench/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // child Takt processes inherit it: their simulators ignore the demo's shifts, so no test depends on the hour
          env: { TAKT_SIM_CALENDARS: 'false' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // child Takt processes inherit it: their simulators ignore the demo's shifts, so no test depends on the hour
          env: { TAKT_SIM_CALENDARS: 'false' },
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
