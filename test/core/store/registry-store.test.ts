import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRegistryPath } from '../../../src/cli/settings.js';
import { PmError } from '../../../src/core/errors.js';
import { emptyRegistry, withAllocation } from '../../../src/core/model/registry.js';
import { RegistryStore } from '../../../src/core/store/registry-store.js';
import { testStoreSystem } from '../../helpers/store-system.js';
import { tempDirPerTest } from '../../helpers/tmp.js';

const tempDir = tempDirPerTest();

describe('registry location', () => {
  it('prefers --registry, then PM_REGISTRY, then the config directory', ({ skip }) => {
    skip(
      process.platform === 'win32',
      'POSIX only: resolve() turns /x/r.toml into a drive path on Windows',
    );
    expect(resolveRegistryPath('/x/r.toml', { PM_REGISTRY: '/y/r.toml' })).toBe('/x/r.toml');
    expect(resolveRegistryPath(undefined, { PM_REGISTRY: '/y/r.toml' })).toBe('/y/r.toml');
    expect(resolveRegistryPath(undefined, { XDG_CONFIG_HOME: '/cfg', HOME: '/h' }, 'linux')).toBe(
      '/cfg/port-manager/registry.toml',
    );
    expect(resolveRegistryPath(undefined, { HOME: '/h' }, 'darwin')).toBe(
      '/h/.config/port-manager/registry.toml',
    );
    expect(
      resolveRegistryPath(undefined, { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'win32'),
    ).toMatch(/port-manager[\\/]registry\.toml$/);
  });
});

describe('transactions', () => {
  it('creates the directory 0700 and the file 0600, and reads a missing file as empty', async ({
    skip,
  }) => {
    skip(process.platform === 'win32', 'POSIX only: Windows has no permission bits for pm to set');
    const path = join(tempDir(), 'deep', 'cfg', 'registry.toml');
    const store = new RegistryStore({ ...testStoreSystem(), path });
    expect(await store.read()).toMatchObject({ exists: false });
    await store.transaction((registry) => ({
      registry: withAllocation(registry, 'shop', 'web', 3000),
      result: null,
    }));
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await store.read()).exists).toBe(true);
  });

  it('sees an edit made between two reads, even one that keeps the size', async () => {
    const path = join(tempDir(), 'registry.toml');
    const store = new RegistryStore({ ...testStoreSystem(), path });
    writeFileSync(path, 'version = 1\n[projects.shop.ports]\nweb = 3000\n');
    expect((await store.read()).registry.projects.get('shop')?.ports.get('web')).toBe(3000);
    expect((await store.read()).registry.projects.get('shop')?.ports.get('web')).toBe(3000);
    writeFileSync(path, 'version = 1\n[projects.shop.ports]\nweb = 3001\n');
    expect((await store.read()).registry.projects.get('shop')?.ports.get('web')).toBe(3001);
  });

  it('reads the whole file when reads come back short, or it grew after fstat', async () => {
    const path = join(tempDir(), 'registry.toml');
    const text = `version = 1\n${Array.from({ length: 40 }, (_, i) => `[projects.p${i}.ports]\nweb = ${3000 + i}\n`).join('')}`;
    writeFileSync(path, text);
    const { open } = await import('node:fs/promises');
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      fs: {
        open: async (file, flags, mode) => {
          const handle = await open(file, flags, mode);
          return new Proxy(handle, {
            get(target, key) {
              // fstat says a third of the size; every read returns at most 5 bytes.
              if (key === 'stat') {
                return async () => {
                  const info = await target.stat();
                  return Object.assign(info, { size: Math.floor(info.size / 3) });
                };
              }
              if (key === 'read') {
                return (buffer: Buffer, offset: number, length: number, position: number) =>
                  target.read(buffer, offset, Math.min(length, 5), position);
              }
              const value = Reflect.get(target, key);
              return typeof value === 'function' ? value.bind(target) : value;
            },
          });
        },
      },
    });
    const { registry } = await store.read();
    expect(registry.projects.size).toBe(40);
    expect(registry.projects.get('p39')?.ports.get('web')).toBe(3039);
  });

  it('does not write when the change returns the same registry', async () => {
    const path = join(tempDir(), 'registry.toml');
    const store = new RegistryStore({ ...testStoreSystem(), path });
    await store.transaction((registry) => ({ registry, result: null }));
    expect(existsSync(path)).toBe(false);
  });

  it('abandons its write when another writer replaced the registry while it held the lock', async () => {
    const path = join(tempDir(), 'registry.toml');
    const store = new RegistryStore({ ...testStoreSystem(), path });
    await store.transaction(() => ({ registry: emptyRegistry(), result: null }));
    // Another process that took the lock over (it went stale under us) writes meanwhile.
    const intruder = new RegistryStore({ ...testStoreSystem(), path, unsafeNoLock: true });
    const error = await store
      .transaction(async (registry) => {
        await intruder.transaction((theirs) => ({
          registry: withAllocation(theirs, 'other', 'web', 4000),
          result: null,
        }));
        return { registry: withAllocation(registry, 'mine', 'web', 4001), result: null };
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PmError);
    expect((error as PmError).code).toBe('LOCK_COMPROMISED');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('[projects.other.ports]');
    expect(text).not.toContain('mine');
  });

  it("sweeps temp files of dead writers but leaves a live writer's alone", async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadTemp = join(dir, `registry.toml.${dead.stdout}.abc123.tmp`);
    const liveTemp = join(dir, `registry.toml.bak.${process.ppid}.def456.tmp`);
    writeFileSync(deadTemp, 'half a fi');
    writeFileSync(liveTemp, 'being written');
    await new RegistryStore({ ...testStoreSystem(), path }).transaction((registry) => ({
      registry: withAllocation(registry, 'a', 'b', 3000),
      result: null,
    }));
    expect(existsSync(deadTemp)).toBe(false);
    expect(existsSync(liveTemp)).toBe(true);
  });
});
