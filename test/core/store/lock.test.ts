// The lock's judgement of its holder: a reused pid or another boot is dead (recovered at
// once), a live holder is waited for and named, another machine's holder is judged by its
// refreshes only, a lock directory of another user is named with its owner.
import { chownSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withAllocation } from '../../../src/core/model/registry.js';
import { RegistryStore } from '../../../src/core/store/registry-store.js';
import { systemProbe } from '../../../src/os/shared/process-identity.js';
import { failure } from '../../helpers/errors.js';
import { testStoreSystem } from '../../helpers/store-system.js';
import { tempDirPerTest } from '../../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-store-lock-');

function plantLock(path: string, owner: object): string {
  const lock = `${path}.lock`;
  mkdirSync(lock);
  writeFileSync(
    join(lock, 'owner.json'),
    JSON.stringify({
      since: '2026-01-01T00:00:00.000Z',
      nonce: 'n1',
      command: 'pm allocate x y',
      ...owner,
    }),
  );
  return lock;
}

function allocate(store: RegistryStore) {
  return store.transaction((registry) => ({
    registry: withAllocation(registry, 'shop', 'web', 27900),
    result: 'done',
  }));
}

describe('judging the lock holder', () => {
  it.skipIf(process.platform !== 'linux')(
    'recovers at once a lock whose pid now belongs to another process (start time differs)',
    async () => {
      const path = join(tempDir(), 'registry.toml');
      const self = systemProbe().self();
      // This very pid, but a start time it never had: the recorded holder is gone.
      plantLock(path, { ...self, startTime: '1' });
      const notices: string[] = [];
      const store = new RegistryStore({
        ...testStoreSystem(),
        path,
        onNotice: (m) => notices.push(m),
      });
      await expect(allocate(store)).resolves.toBe('done');
      expect(notices.join('\n')).toMatch(
        new RegExp(
          `recovered a stale registry lock .* left by pid ${process.pid} \\(pm allocate x y\\)`,
        ),
      );
    },
  );

  it.skipIf(process.platform !== 'linux')(
    'calls a holder from an earlier boot dead, and this process alive',
    () => {
      const probe = systemProbe();
      const self = probe.self();
      expect(self.startTime).toMatch(/^\d+$/);
      expect(probe.liveness(self)).toBe('alive');
      expect(probe.liveness({ ...self, bootId: 'an-earlier-boot' })).toBe('dead');
    },
  );

  it('never takes over a live holder: waits, names it, gives up only without progress', async () => {
    const path = join(tempDir(), 'registry.toml');
    plantLock(path, systemProbe().self());
    const notices: string[] = [];
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      staleMs: 2000,
      lockTimeoutMs: 300,
      onNotice: (m) => notices.push(m),
    });
    const error = await failure(allocate(store));
    expect(error.code).toBe('REGISTRY_LOCKED');
    expect(error.message).toContain(`held by pid ${process.pid} (pm allocate x y)`);
    expect(error.message).toMatch(/made no progress for 0\.\d s; is it stopped\?/);
    expect(notices.join('\n')).toMatch(/waiting for the registry lock: .* is it stopped\?/);
  });

  it('judges another machine’s holder by its refreshes: fresh is waited for, old is recovered', async () => {
    const path = join(tempDir(), 'registry.toml');
    const lock = plantLock(path, { pid: 1, host: 'some-other-host' });
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      staleMs: 2000,
      lockTimeoutMs: 300,
    });
    await failure(allocate(store));
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    await expect(allocate(store)).resolves.toBe('done');
  });

  it.skipIf(process.getuid?.() !== 0)(
    'names the owner of a lock directory that belongs to another user',
    async () => {
      const path = join(tempDir(), 'registry.toml');
      const lock = plantLock(path, systemProbe().self());
      chownSync(lock, 4242, 4242);
      const store = new RegistryStore({
        ...testStoreSystem(),
        path,
        staleMs: 2000,
        lockTimeoutMs: 200,
      });
      const error = await failure(allocate(store));
      expect(error.message).toContain('owned by user id 4242');
      const health = await store.inspect();
      expect(health.lock).toMatchObject({ state: 'held', foreignUid: 4242 });
    },
  );
});
