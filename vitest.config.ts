import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Fails the run if any test changed the real registry of the user running it.
    globalSetup: ['test/helpers/real-registry-guard.ts'],
    // Integration, reliability and e2e tests spawn processes and open real sockets;
    // forks keep each file isolated and the pool small enough for a 2-core CI box.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
