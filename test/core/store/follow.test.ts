// store.follow: the one place pm watches registry.toml. It watches the directory (writes
// replace the file by rename), reports a burst of changes once, ignores the files that come
// and go beside the registry, and goes through the store's file-system seam.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withAllocation } from '../../../src/core/model/registry.js';
import { RegistryStore } from '../../../src/core/store/registry-store.js';
import { testStoreSystem } from '../../helpers/store-system.js';
import { tempDirPerTest } from '../../helpers/tmp.js';
import { waitFor } from '../../os/helpers/wait.js';

const tempDir = tempDirPerTest('pm-follow-');

describe('store.follow', () => {
  it('reports a replaced registry once per burst, and not the files beside it', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(path, 'version = 1\n');
    const store = new RegistryStore({ ...testStoreSystem(), path });
    let calls = 0;
    const stop = store.follow(() => {
      calls++;
    });
    try {
      // Another program replaces the file by rename, twice in a row: one notification.
      writeFileSync(join(dir, 'next.tmp'), 'version = 1\n# one\n');
      renameSync(join(dir, 'next.tmp'), path);
      writeFileSync(join(dir, 'next.tmp'), 'version = 1\n# two\n');
      renameSync(join(dir, 'next.tmp'), path);
      await waitFor('a change notification', () => calls > 0, 5000);
      const afterBurst = calls;
      expect(afterBurst).toBe(1);
      // pm's own write is a change too.
      await store.transaction((registry) => ({
        registry: withAllocation(registry, 'shop', 'web', 27700),
        result: undefined,
      }));
      await waitFor('the write to be noticed', () => calls > afterBurst, 5000);
      // A late second notification of the burst would show up here as one call too many.
      expect(calls).toBe(afterBurst + 1);
    } finally {
      stop();
    }
    // Unsubscribed: later writes are not reported. A second follower that is still
    // subscribed proves the write was visible to watchers.
    const before = calls;
    let witness = 0;
    const stopWitness = new RegistryStore({ ...testStoreSystem(), path }).follow(() => witness++);
    try {
      writeFileSync(join(dir, 'next.tmp'), 'version = 1\n# after\n');
      renameSync(join(dir, 'next.tmp'), path);
      await waitFor('the witness to see the write', () => witness > 0, 5000);
    } finally {
      stopWitness();
    }
    expect(calls).toBe(before);
  });

  it('watches through the store file-system seam, so tests can inject events and faults', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(path, 'version = 1\n');
    const watched: string[] = [];
    let emit: (name: string | null) => void = () => {};
    let closed = 0;
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      fs: {
        watch: (watchedDir, onEvent) => {
          watched.push(watchedDir);
          emit = onEvent;
          return { close: () => closed++ };
        },
      },
    });
    let calls = 0;
    const stop = store.follow(() => calls++);
    expect(watched).toEqual([dir]);
    emit('registry.toml.lock');
    emit('registry.toml.bak');
    writeFileSync(path, 'version = 1\n# edited\n');
    emit('registry.toml');
    await waitFor('the injected event', () => calls === 1, 5000);
    stop();
    expect(closed).toBe(1);
  });

  it('starts watching once the directory exists (first allocation)', async () => {
    const dir = join(tempDir(), 'not-yet');
    const path = join(dir, 'registry.toml');
    const store = new RegistryStore({ ...testStoreSystem(), path });
    let calls = 0;
    const stop = store.follow(() => calls++);
    try {
      await store.transaction((registry) => ({
        registry: withAllocation(registry, 'shop', 'web', 27701),
        result: undefined,
      }));
      await store.read(); // the dashboard's refresh: watching starts now
      writeFileSync(path, 'version = 1\n# edited\n');
      await waitFor('the edit to be noticed', () => calls > 0, 5000);
    } finally {
      stop();
    }
  });
});
