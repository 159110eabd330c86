import { defineConfig } from 'vitest/config';

// Test tiers (style guide, convention 9):
//   unit    — `npm test`: unit, vector, scenario and integration tests; needs only Node (SQLite embedded)
//   pg      — `npm run test:pg`: the storage suites against a real PostgreSQL (CONCLAVE_TEST_PG_URL)
//   browser — `npm run test:browser`: Playwright end-to-end in Debian's Chromium
//   cluster — `npm run test:cluster`: several nodes on NATS (Debian's nats-server) + PostgreSQL
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,packages}/*/{src,test}/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [
            '**/node_modules/**',
            '**/*.pg.test.ts',
            '**/*.e2e.test.ts',
            '**/*.cluster.test.ts',
          ],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'pg',
          include: ['{apps,packages}/*/{src,test}/**/*.pg.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['{apps,packages}/*/{src,test}/**/*.cluster.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['{apps,packages}/*/{src,test}/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
