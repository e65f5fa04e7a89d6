// pm's cache directory, whatever it is: the built pm exits promptly, never caches code in a
// directory that is not its own and private (Node's compile cache included: by default Node
// puts it in $TMPDIR/node-compile-cache, which another local user can plant), and refuses a
// relative PM_CACHE_DIR (it would name a directory of whatever checkout pm runs in).
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePrivateDirectory } from '../../src/os/shared/private-cache.js';
import { homeEnv, type RunResult, runCli } from '../helpers/cli.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const newDir = tempDirPerTest('pm-cache-dir-');
const linux = process.platform === 'linux';
const root = process.getuid?.() === 0;
/** Generous for a loaded CI machine; a pm that loops at exit never ends at all. */
const PROMPT_MS = 20_000;

/** Every file below `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir) || !lstatSync(dir).isDirectory()) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

function pm(args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return runCli(args, { PATH: process.env.PATH, ...env }, PROMPT_MS);
}

/** The commands tried in each directory: no IO at all, and a scan that keeps socket owners. */
async function runEach(base: string, env: NodeJS.ProcessEnv): Promise<void> {
  const registry = join(base, 'registry.toml');
  for (const args of [
    ['--version'],
    ['--registry', registry, 'allocate', 'shop', 'web'],
    ['--registry', registry, '--once'],
  ]) {
    const result = await pm(args, env);
    expect({ args, code: result.code }).toEqual({ args, code: 0 });
    // Notes about other listeners in the range may appear (the machine is shared); no error.
    expect(result.stderr).not.toMatch(/error|node:internal|cache/i);
  }
}

describe.skipIf(process.platform === 'win32')('whatever the cache directory is', () => {
  type Case = { name: string; skip?: string; make: (dir: string) => string };
  const cases: Case[] = [
    {
      name: 'on procfs',
      skip: linux ? undefined : 'procfs is Linux only',
      make: () => '/proc/nope',
    },
    {
      name: 'under procfs, deeper',
      skip: linux ? undefined : 'procfs is Linux only',
      make: () => '/proc/nope/deeper/still',
    },
    {
      name: 'read-only (sysfs)',
      skip: linux ? undefined : 'sysfs is Linux only',
      make: () => '/sys/nope',
    },
    {
      name: 'read-only (mode 0500)',
      skip: root ? 'root may write in a directory of mode 0500' : undefined,
      make: (dir) => {
        const readOnly = join(dir, 'read-only');
        mkdirSync(readOnly, { mode: 0o500 });
        return join(readOnly, 'cache');
      },
    },
    {
      name: 'a regular file',
      make: (dir) => {
        writeFileSync(join(dir, 'file'), 'not a directory');
        return join(dir, 'file');
      },
    },
    {
      name: 'below a regular file',
      make: (dir) => {
        writeFileSync(join(dir, 'file'), 'not a directory');
        return join(dir, 'file', 'cache');
      },
    },
    {
      name: 'a dangling symlink',
      make: (dir) => {
        symlinkSync(join(dir, 'gone'), join(dir, 'link'));
        return join(dir, 'link');
      },
    },
    {
      name: 'a symlink to a private directory',
      make: (dir) => {
        mkdirSync(join(dir, 'real'), { mode: 0o700 });
        symlinkSync(join(dir, 'real'), join(dir, 'link'));
        return join(dir, 'link');
      },
    },
    {
      name: 'writable by every user',
      make: (dir) => {
        mkdirSync(join(dir, 'shared'));
        chmodSync(join(dir, 'shared'), 0o777);
        return join(dir, 'shared');
      },
    },
    {
      name: "another user's",
      skip: root ? undefined : 'needs root to make a directory another user owns',
      make: (dir) => {
        mkdirSync(join(dir, 'theirs'), { mode: 0o700 });
        chownSync(join(dir, 'theirs'), 65534, 65534);
        return join(dir, 'theirs');
      },
    },
  ];

  for (const { name, skip, make } of cases) {
    it.skipIf(skip !== undefined)(
      `${name}: every command exits at once, caching nothing`,
      async () => {
        const dir = newDir();
        const cache = make(dir);
        // Everything but the registry: the cache (through a link too) and the temp directory,
        // where Node's compile cache would fall back to.
        const written = () =>
          [...filesUnder(dir), ...filesUnder(cache).map((file) => join(cache, file))].filter(
            (file) => !/^(registry\.toml|home\/)/.test(file),
          );
        const before = written();
        const env = {
          ...homeEnv(join(dir, 'home')),
          PM_CACHE_DIR: cache,
          TMPDIR: join(dir, 'tmp'),
        };
        await runEach(dir, env);
        expect(written()).toEqual(before);
      },
    );
  }
});

describe.skipIf(process.platform === 'win32')("Node's compile cache", () => {
  it('is kept in a private PM_CACHE_DIR (the control: the checks above can fail)', async () => {
    const dir = newDir();
    const cache = join(dir, 'cache');
    await runEach(dir, { ...homeEnv(join(dir, 'home')), PM_CACHE_DIR: cache });
    expect(lstatSync(cache).mode & 0o777).toBe(0o700);
    expect(filesUnder(join(cache, 'node-compile-cache')).length).toBeGreaterThan(0);
  });

  it('never uses a node-compile-cache planted in the shared temp directory', async () => {
    const dir = newDir();
    const tmp = join(dir, 'tmp');
    const planted = join(tmp, 'node-compile-cache');
    mkdirSync(planted, { recursive: true });
    chmodSync(tmp, 0o1777);
    chmodSync(planted, 0o777);
    if (root) chownSync(planted, 65534, 65534);
    const home = join(dir, 'home');
    // No PM_CACHE_DIR: the per-user default (~/.cache/port-manager) is the private one.
    const env = { ...homeEnv(home), PM_CACHE_DIR: undefined, TMPDIR: tmp };
    await runEach(dir, env);
    expect(filesUnder(planted)).toEqual([]);
    expect(
      filesUnder(join(home, '.cache', 'port-manager', 'node-compile-cache')).length,
    ).toBeGreaterThan(0);
  });
});

describe('PM_CACHE_DIR', () => {
  it('must be absolute: a relative one is a usage error naming it, nothing written', async () => {
    const dir = newDir();
    const registry = join(dir, 'registry.toml');
    const result = await runCli(
      ['--registry', registry, 'allocate', 'shop', 'web'],
      { PATH: process.env.PATH, ...homeEnv(join(dir, 'home')), PM_CACHE_DIR: 'cache' },
      PROMPT_MS,
      dir,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid PM_CACHE_DIR 'cache': an absolute path");
    expect(existsSync(join(dir, 'cache'))).toBe(false);
    expect(existsSync(registry)).toBe(false);
  });
});

describe.skipIf(process.platform === 'win32')('ensurePrivateDirectory', () => {
  it('makes a missing directory and its parents 0700, and accepts only exactly 0700', () => {
    const dir = newDir();
    const deep = join(dir, 'a', 'b', 'c');
    expect(ensurePrivateDirectory(deep)).toBe(true);
    expect(lstatSync(deep).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    chmodSync(deep, 0o750);
    expect(ensurePrivateDirectory(deep)).toBe(false);
    chmodSync(deep, 0o700);
    expect(ensurePrivateDirectory(deep, (process.geteuid?.() ?? 0) + 1)).toBe(false);
  });

  it('refuses a relative path and gives up on a path too deep to make', () => {
    const dir = newDir();
    expect(ensurePrivateDirectory('relative/cache')).toBe(false);
    const tooDeep = join(dir, ...Array.from({ length: 12 }, (_, i) => `level${i}`));
    expect(ensurePrivateDirectory(tooDeep)).toBe(false);
  });
});
