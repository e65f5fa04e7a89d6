// Packages the test tooling takes straight from the npm registry (Windows Node, koffi's
// Windows binary, Node 24 for Linux) without installing them into node_modules: they are
// platform packages npm refuses to install on this OS, or a second Node. Each is pinned by
// version and sha512, unpacked once into a cache directory and reused.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** $PM_TEST_CACHE, else ~/.cache/port-manager-test (XDG_CACHE_HOME honoured). */
export function cacheDir() {
  if (process.env.PM_TEST_CACHE) return resolve(process.env.PM_TEST_CACHE);
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'port-manager-test');
}

/** Unpacks a pinned package into the cache (once) and returns its `package/` directory. */
export function pinnedPackage({ name, version, integrity }, cache = cacheDir()) {
  const dir = join(cache, 'packages', `${name.replace('/', '+')}-${version}`);
  const ready = join(dir, '.verified');
  if (existsSync(ready)) return join(dir, 'package');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const packed = JSON.parse(
    execFileSync(
      'npm',
      ['pack', `${name}@${version}`, '--json', '--silent', '--pack-destination', dir],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  )[0];
  const tarball = join(dir, packed.filename);
  const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (digest !== integrity) {
    throw new Error(`${name}@${version}: tarball is ${digest}, pinned ${integrity}`);
  }
  execFileSync('tar', ['xzf', tarball, '-C', dir]);
  rmSync(tarball);
  writeFileSync(ready, `${digest}\n`);
  return join(dir, 'package');
}
