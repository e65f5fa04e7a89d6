// vitest globalSetup: removes the run's private owner-cache directory (vitest.config.ts points
// PM_CACHE_DIR at it) once every test file has finished.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

export default function setup(): () => void {
  return () => {
    const dir = process.env.PM_CACHE_DIR;
    // Only ever the directory vitest.config.ts made for this run, never one a user set.
    if (dir?.startsWith(tmpdir()) && dir.includes('pm-test-owner-cache-')) {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
