// Must hold: when a long-running process (the dashboard) stalls past the stale time while it
// holds the lock, and another pm takes the lock over and writes, the stalled process does not
// crash, abandons its pending write, and the other writer's content stands.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { PmError } from '../../src/core/errors.js';
import type { Registry } from '../../src/core/registry.js';
import { parseRegistry } from '../../src/core/registry-file.js';
import { RegistryStore } from '../../src/core/store.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, Worker, worker } from './harness.js';

const STALE_MS = 2000;

function withProject(registry: Registry, name: string, port: number): Registry {
  const projects = new Map(registry.projects);
  projects.set(name, { ports: new Map([['web', port]]), extra: {} });
  return { ...registry, projects };
}

describe('a lock compromised under a long-running process', () => {
  const tempDir = tempDirPerTest('pm-compromised-');
  beforeAll(requireBuild);

  it('abandons the stalled write, keeps running, and leaves the other writer content', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(path, 'version = 1\n');
    const store = new RegistryStore({ path, staleMs: STALE_MS, lockTimeoutMs: 20_000 });
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    onTestFinished(() => {
      process.off('uncaughtException', record);
    });

    let other: Worker | undefined;
    let stalledMs = 0;
    const pending = store.transaction(async (registry) => {
      // We hold the lock. Another pm (same stale setting) starts and waits for it...
      other = new Worker(
        worker('add-project.mjs'),
        [path, 'other', '42801'],
        cleanEnv(dir, { PM_LOCK_STALE_MS: String(STALE_MS), PM_LOCK_TIMEOUT_MS: '20000' }),
      );
      await other.waitForLine(/^ready$/);
      // ...while this process stalls: a synchronous loop blocks the event loop, so the lock's
      // refresh timer cannot run and the lock goes stale. It ends as soon as the other writer's
      // change is on disk (or after 15 s, which fails the test below).
      const started = Date.now();
      while (
        !readFileSync(path, 'utf8').includes('[projects.other') &&
        Date.now() - started < 15_000
      ) {
        // busy: like a long synchronous render or a laptop waking from sleep
      }
      stalledMs = Date.now() - started;
      return { registry: withProject(registry, 'mine', 42802), result: 'written' };
    });
    onTestFinished(async () => {
      await other?.kill();
    });

    const outcome = await pending.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    // The stall ended because the other writer's change landed, not by the 15 s safety limit.
    expect(stalledMs).toBeLessThan(15_000);
    expect('error' in outcome && outcome.error).toBeInstanceOf(PmError);
    const error = (outcome as { error: PmError }).error;
    expect(error.code).toBe('LOCK_COMPROMISED');
    expect(error.message).toMatch(/taken over by another process .* the change was abandoned/);

    // The other writer's content stands; the abandoned change never reached the file.
    expect((await other!.exited).code).toBe(0);
    expect(other!.lines).toContain('committed');
    const onDisk = parseRegistry(readFileSync(path, 'utf8'), path);
    expect(onDisk.projects.get('other')?.ports.get('web')).toBe(42801);
    expect(onDisk.projects.has('mine')).toBe(false);

    // The process did not crash (proper-lockfile's default handler throws from a timer) and
    // its store keeps working: the next change re-reads and goes through.
    expect(uncaught).toEqual([]);
    await store.transaction((registry) => ({
      registry: withProject(registry, 'mine', 42802),
      result: undefined,
    }));
    const after = parseRegistry(readFileSync(path, 'utf8'), path);
    expect([...after.projects.keys()].sort()).toEqual(['mine', 'other']);
    console.info(
      `[compromised] stalled ${stalledMs} ms; the other writer took over; write abandoned`,
    );
  });
});
