import { defineConfig } from 'vitest/config';

// Tests pin the time zone, as Plot and Framework do: date bucketing must not depend on the machine.
process.env.TZ = 'America/Los_Angeles';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DuckDB files and the browser are heavy; two cores here.
    maxWorkers: 2,
  },
});
