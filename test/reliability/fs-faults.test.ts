// Must hold: file-system faults injected at the store's boundary (short writes, ENOSPC, EACCES
// on the directory, EPERM on rename as on Windows) end with either the write completed or the
// original file byte-identical, no temp file left, and an error that says what to do.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Registry } from '../../src/core/model/registry.js';
import { parseRegistry } from '../../src/core/store/registry-file.js';
import { RegistryStore, type StoreFs } from '../../src/core/store/registry-store.js';
import { wordRemedies } from '../../src/view/remedies.js';
import { failure } from '../helpers/errors.js';
import { testStoreSystem } from '../helpers/store-system.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { sha256 } from './harness.js';

const ORIGINAL = `version = 1

[defaults]
range_start = 27950
range_end = 27999

[projects.shop]
path = "/home/ana/src/shop"

[projects.shop.ports]
web = 27950
`;

function errno(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected fault, ${syscall}`), { code, syscall });
}

type Write = (buffer: Buffer, offset: number, length: number) => Promise<{ bytesWritten: number }>;

/** An `open` whose temp-file handles write through `write` instead of the real one. */
function openWith(write: (real: Write) => Write): StoreFs['open'] {
  return async (path, flags, mode) => {
    const handle = await nodeFs.open(path, flags, mode);
    if (!path.endsWith('.tmp')) return handle;
    const real: Write = (buffer, offset, length) => handle.write(buffer, offset, length);
    const replaced = write(real);
    return new Proxy(handle, {
      get(target, key) {
        if (key === 'write') return replaced;
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
}

function addBlog(registry: Registry): { registry: Registry; result: string } {
  const projects = new Map(registry.projects);
  projects.set('blog', { ports: new Map([['web', 27951]]), extra: {} });
  return { registry: { ...registry, projects }, result: 'done' };
}

describe('file-system faults at the store boundary', () => {
  const tempDir = tempDirPerTest('pm-faults-');

  function setup() {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(path, ORIGINAL);
    return { dir, path, hash: sha256(path) };
  }

  /** The failure left nothing behind: same bytes, no temp file, no backup, no lock. */
  function untouched(dir: string, path: string, hash: string) {
    expect(sha256(path)).toBe(hash);
    expect(readdirSync(dir)).toEqual(['registry.toml']);
  }

  it('completes a write the disk accepts only a few bytes at a time (short writes)', async () => {
    const { dir, path } = setup();
    let calls = 0;
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      fs: {
        open: openWith((real) => (buffer, offset, length) => {
          calls++;
          return real(buffer, offset, Math.min(length, 7));
        }),
      },
    });
    await expect(store.transaction(addBlog)).resolves.toBe('done');
    // A single write call would have renamed a 7-byte file over the registry.
    expect(calls).toBeGreaterThan(ORIGINAL.length / 7);
    const registry = parseRegistry(readFileSync(path, 'utf8'), path);
    expect(registry.projects.get('blog')?.ports.get('web')).toBe(27951);
    expect(registry.projects.get('shop')?.path).toBe('/home/ana/src/shop');
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe(readFileSync(path, 'utf8'));
    expect(readdirSync(dir).sort()).toEqual(['registry.toml', 'registry.toml.bak']);
  });

  it('reports a full disk (ENOSPC mid-write) and keeps the original file', async () => {
    const { dir, path, hash } = setup();
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      fs: {
        open: openWith((real) => {
          let first = true;
          return async (buffer, offset, length) => {
            if (!first) throw errno('ENOSPC', 'write');
            first = false;
            return real(buffer, offset, Math.floor(length / 2));
          };
        }),
      },
    });
    const error = await failure(store.transaction(addBlog));
    expect(error.code).toBe('IO');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(`could not write ${path}`);
    expect(error.message).toContain('ENOSPC');
    expect(wordRemedies(error.remedies, 'cli')).toMatch(
      /the disk is full; free some space and retry/,
    );
    untouched(dir, path, hash);
  });

  it('reports EACCES creating the registry directory', async () => {
    const { dir, path, hash } = setup();
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      fs: { mkdir: async () => Promise.reject(errno('EACCES', 'mkdir')) },
    });
    const error = await failure(store.transaction(addBlog));
    expect(error.code).toBe('IO');
    expect(error.message).toContain(`could not create the registry directory ${dir}`);
    // Creating a directory needs write permission on its parent.
    expect(wordRemedies(error.remedies, 'cli')).toContain(
      `check the permissions of ${dirname(dir)}`,
    );
    untouched(dir, path, hash);
  });

  it('reports EACCES creating the temp file in the directory', async () => {
    const { dir, path, hash } = setup();
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      fs: {
        open: async (file, flags, mode) =>
          file.endsWith('.tmp')
            ? Promise.reject(errno('EACCES', 'open'))
            : nodeFs.open(file, flags, mode),
      },
    });
    const error = await failure(store.transaction(addBlog));
    expect(error.code).toBe('IO');
    expect(error.message).toContain('EACCES');
    expect(wordRemedies(error.remedies, 'cli')).toContain(`check the permissions of ${dir}`);
    untouched(dir, path, hash);
  });

  it('retries EPERM on rename on Windows until it succeeds', async () => {
    const { dir, path } = setup();
    let attempts = 0;
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      platform: 'win32',
      fs: {
        rename: async (from, to) => {
          attempts++;
          // An antivirus or indexer holds the target for a moment (write-file-atomic #28).
          if (to === path && attempts <= 3) throw errno('EPERM', 'rename');
          return nodeFs.rename(from, to);
        },
      },
    });
    await expect(store.transaction(addBlog)).resolves.toBe('done');
    expect(attempts).toBe(5); // 3 refusals, the registry, then the backup
    expect(parseRegistry(readFileSync(path, 'utf8'), path).projects.has('blog')).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['registry.toml', 'registry.toml.bak']);
  });

  it('gives up on a persistent EPERM on Windows with a clear error and the original intact', async () => {
    const { dir, path, hash } = setup();
    let attempts = 0;
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      platform: 'win32',
      fs: {
        rename: async () => {
          attempts++;
          throw errno('EPERM', 'rename');
        },
      },
    });
    const error = await failure(store.transaction(addBlog));
    expect(attempts).toBeGreaterThan(3);
    expect(error.code).toBe('IO');
    expect(error.message).toContain(`could not write ${path}`);
    expect(error.message).toContain('EPERM');
    expect(wordRemedies(error.remedies, 'cli')).toMatch(
      /another program \(antivirus, indexer, editor\) may hold the file: retry/,
    );
    untouched(dir, path, hash);
  });

  it('does not retry EPERM on rename on Linux, where it is not transient', async () => {
    const { dir, path, hash } = setup();
    let attempts = 0;
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      platform: 'linux',
      fs: {
        rename: async () => {
          attempts++;
          throw errno('EPERM', 'rename');
        },
      },
    });
    const error = await failure(store.transaction(addBlog));
    expect(attempts).toBe(1);
    expect(error.code).toBe('IO');
    untouched(dir, path, hash);
  });
});
