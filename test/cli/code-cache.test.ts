// The bin keeps V8's compiled code of pm between runs: pm's bundles through pm's own code
// cache in its private cache directory (every Node version), the rest through Node's compile
// cache where Node has one (22.1+). Real processes of the built bin, a real cache directory.
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, homeEnv } from '../helpers/cli.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const newDir = tempDirPerTest('pm-code-cache-');
const builtIn =
  typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;

/** The built bin with `args` (default --version), a private home and registry, `cacheDir`. */
function pm(cacheDir: string, args = ['--version'], extra: NodeJS.ProcessEnv = {}): string {
  const home = newDir();
  return execFileSync(process.execPath, [CLI, '--registry', join(home, 'r.toml'), ...args], {
    env: { ...homeEnv(home), PATH: process.env.PATH, PM_CACHE_DIR: cacheDir, ...extra },
    encoding: 'utf8',
  }).trim();
}

const codeCaches = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.v8'));

describe.skipIf(process.platform === 'win32')('pm’s own code cache', () => {
  it('is written on the first run, private, and used by the next (same output)', () => {
    const dir = newDir();
    expect(pm(dir)).toBe(version);
    const [file] = codeCaches(dir);
    expect(file).toMatch(
      new RegExp(`^code-main-[0-9a-f]{16}-${process.version}-${process.arch}\\.v8$`),
    );
    const stat = statSync(join(dir, file as string));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(stat.size).toBeGreaterThan(10_000);
    const written = statSync(join(dir, file as string)).mtimeMs;
    expect(pm(dir)).toBe(version);
    // Accepted by V8, so not written again.
    expect(statSync(join(dir, file as string)).mtimeMs).toBe(written);
  });

  it('replaces a corrupt cache, and removes the caches of other builds', () => {
    const dir = newDir();
    pm(dir);
    const [file] = codeCaches(dir) as [string];
    writeFileSync(join(dir, file), 'not V8 code', { mode: 0o600 });
    const stale = `code-main-0000000000000000-${process.version}-${process.arch}.v8`;
    writeFileSync(join(dir, stale), 'old', { mode: 0o600 });
    expect(pm(dir)).toBe(version);
    expect(codeCaches(dir)).toEqual([file]);
    expect(statSync(join(dir, file)).size).toBeGreaterThan(10_000);
  });

  it('keeps one cache per bundle a command loaded: pm run loads run.js', () => {
    const dir = newDir();
    pm(dir, ['run', 'shop', 'web', '--', process.execPath, '-e', '0']);
    const bundles = codeCaches(dir).map((name) => name.split('-')[1]);
    expect(bundles).toEqual(expect.arrayContaining(['main', 'run']));
  });

  it('neither reads nor writes a cache in a directory others may write', () => {
    const dir = newDir();
    chmodSync(dir, 0o777);
    expect(pm(dir)).toBe(version);
    expect(codeCaches(dir)).toEqual([]);
  });
});

describe.skipIf(!builtIn || process.platform !== 'linux')(
  'on Node 22+: Node’s compile cache',
  () => {
    it('is on for what pm’s own does not cover: koffi’s files, loaded by a scan', () => {
      const dir = newDir();
      const tmp = newDir();
      // No NODE_COMPILE_CACHE (which alone would turn the cache on): only pm's call can, and
      // then Node keeps it in the OS temp dir.
      pm(dir, ['status', '--json'], { TMPDIR: tmp });
      const cached = readdirSync(join(tmp, 'node-compile-cache'), {
        recursive: true,
        withFileTypes: true,
      }).filter((entry) => entry.isFile());
      expect(cached.length).toBeGreaterThanOrEqual(1);
      // pm's bundles are in pm's cache.
      expect(codeCaches(dir).map((name) => name.split('-')[1])).toEqual(
        expect.arrayContaining(['main', 'linux']),
      );
    });
  },
);
