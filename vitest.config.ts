import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// pm's caches (socket owners; Node's compile cache) of every pm the tests run (in-process
// scanners, spawned CLIs: test/helpers/cli.ts homeEnv passes it on) go to a directory of this
// run, not the user's ~/.cache.
const cacheDir = join(tmpdir(), `pm-test-owner-cache-${process.pid}`);
process.env.PM_CACHE_DIR ??= cacheDir;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Fails the run if any test changed the real registry of the user running it.
    globalSetup: ['test/helpers/real-registry-guard.ts', 'test/helpers/private-cache.ts'],
    env: { PM_CACHE_DIR: process.env.PM_CACHE_DIR ?? cacheDir },
    // Integration, reliability and e2e tests spawn processes and open real sockets;
    // forks keep each file isolated and the pool small enough for a 2-core CI box.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
