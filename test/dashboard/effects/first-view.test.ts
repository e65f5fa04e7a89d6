// The dashboard's first table is loaded before React and Ink: with the same scanner and
// registry it must be the view a refresh would build, and a problem must not escape from it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statusView } from '../../../src/core/actions/index.js';
import { RegistryStore } from '../../../src/core/store/registry-store.js';
import { loadFirstView } from '../../../src/dashboard/effects/first-view.js';
import { testStoreSystem } from '../../helpers/store-system.js';
import { tempDirPerTest } from '../../helpers/tmp.js';

const newDir = tempDirPerTest('pm-first-view-');

const listening = {
  ok: true as const,
  listeners: [
    {
      protocol: 'tcp' as const,
      family: 'ipv4' as const,
      address: '127.0.0.1',
      port: 4100,
      pid: 42,
      process: 'node',
    },
  ],
};
const scanner = { backend: 'fake', scan: async () => listening };

describe('loadFirstView', () => {
  it('builds the same view a refresh builds, from one scan and one registry read', async () => {
    const path = join(newDir(), 'registry.toml');
    writeFileSync(path, 'version = 1\n\n[projects.shop.ports]\nweb = 4100\n');
    const store = new RegistryStore({ ...testStoreSystem(), path });
    const deps = { store, scanner, probe: async () => true };
    const view = await loadFirstView(deps);
    const { registry } = await store.read();
    expect(view).toEqual(statusView(deps, registry, listening));
    expect(view?.rows[0]).toMatchObject({
      project: 'shop',
      service: 'web',
      port: 4100,
      state: 'active',
    });
  });

  it('gives nothing, rather than an error, for a registry that cannot be read', async () => {
    const path = join(newDir(), 'registry.toml');
    writeFileSync(path, 'version = [broken\n');
    const deps = {
      store: new RegistryStore({ ...testStoreSystem(), path }),
      scanner,
      probe: async () => true,
    };
    await expect(loadFirstView(deps)).resolves.toBeUndefined();
  });
});
