// Must hold: a writer whose whole process stalls at the rename point of its write (the event
// loop blocked, so its lock goes unrefreshed for several stale periods) still owns the lock:
// its write lands and is reported as landed, and the other writer, which waited, lands after
// it. Run against the pre-issue-9 code, the other writer took the lock over after one stale
// period and the stalled one reported "abandoned".
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Registry } from '../../src/core/model/registry.js';
import { parseRegistry } from '../../src/core/store/registry-file.js';
import { RegistryStore } from '../../src/core/store/registry-store.js';
import { testStoreSystem } from '../helpers/store-system.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, Worker, worker } from './harness.js';

const STALE_MS = 2000;

function withProject(registry: Registry, name: string, port: number): Registry {
  const projects = new Map(registry.projects);
  projects.set(name, { ports: new Map([['web', port]]), extra: {} });
  return { ...registry, projects };
}

describe('a writer stalled at its rename', () => {
  const tempDir = tempDirPerTest('pm-stalled-');
  beforeAll(requireBuild);

  it('keeps the lock through the stall; its write and the waiting writer both land', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(path, 'version = 1\n');
    const lock = `${path}.lock`;
    let other: Worker | undefined;
    let stalledMs = 0;
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      staleMs: STALE_MS,
      lockTimeoutMs: 60_000,
      fs: {
        rename: async (from, to) => {
          if (to === path) {
            // The stall: a synchronous loop blocks the event loop (no lock refresh can run)
            // until the lock has gone unrefreshed for three stale periods while the other
            // writer is waiting, like a laptop asleep at exactly this point.
            const started = Date.now();
            while (Date.now() - statSync(lock).mtimeMs < 3 * STALE_MS) {
              if (Date.now() - started > 30_000) break;
            }
            stalledMs = Date.now() - started;
          }
          renameSync(from, to);
        },
      },
    });

    const written = store.transaction(async (registry) => {
      other = new Worker(
        worker('add-project.mjs'),
        [path, 'other', '27801'],
        cleanEnv(dir, { PM_LOCK_STALE_MS: String(STALE_MS), PM_LOCK_TIMEOUT_MS: '60000' }),
      );
      await other.waitForLine(/^ready$/);
      return { registry: withProject(registry, 'mine', 27802), result: 'written' };
    });
    onTestFinished(async () => {
      await other?.kill();
    });

    await expect(written).resolves.toBe('written');
    expect(stalledMs).toBeGreaterThan(0);
    expect(stalledMs).toBeLessThan(30_000);
    expect((await other!.exited).code).toBe(0);
    expect(other!.lines).toContain('committed');
    expect(other!.lines.join('\n')).not.toMatch(/recovered/);
    const onDisk = parseRegistry(readFileSync(path, 'utf8'), path);
    expect(onDisk.projects.get('mine')?.ports.get('web')).toBe(27802);
    expect(onDisk.projects.get('other')?.ports.get('web')).toBe(27801);
    console.info(
      `[stalled-writer] stalled ${stalledMs} ms at the rename (stale ${STALE_MS} ms); both landed`,
    );
  }, 60_000);
});
