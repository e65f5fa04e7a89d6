// pm's CommonJS bundles are loaded through V8's code cache, kept in pm's cache directory:
// each is compiled with its cached data when there is some, and V8's code (with the functions
// this run compiled) is saved at exit when there was none or V8 refused it. Compiling the main
// bundle from scratch was ~4.5 ms of a `pm query` on Node 20, whose whole budget over `node -e
// 0` is ~18 ms; Node 22.1+ has a compile cache of its own, but it keeps only what compiling
// produced, not the functions a run compiled later (why pm uses its own there too: src/cli.ts).
// Measured on Node 20: pm query 74.2 -> 71.4 ms, node -e 0 58.4 (docs/benchmarks.md).
//
// The cached data is code pm runs, so it is read and written only with the checks of
// native/private-cache.ts (this user's, in a directory nobody else may write). V8 checks its
// version and flags but tells sources apart only by their length: the file name carries a
// digest of the bundle, computed by the build, so a rebuilt bundle never meets an old cache.
// A bundle that import()s an ES module (run-dashboard, for Ink) has no digest: import() in a
// script compiled from cached data fails on Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING,
// even with vm's USE_MAIN_CONTEXT_DEFAULT_LOADER), so it is require()d as usual.
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { cacheDirectory, readPrivateFile, writePrivateFile } from '../os/shared/private-cache.js';

/** Far more than V8 writes for pm's largest CommonJS bundle (~150 kB); larger is not ours. */
const MAX_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Loads the CommonJS bundle `file` as require() would, through its code cache when `digest`
 * (the build's digest of it) is known; else, and on Windows (no uid to tell a private
 * directory by), as a plain require().
 */
export function requireWithCodeCache(file: string, digest: string | undefined): unknown {
  const require = createRequire(file);
  if (digest === undefined || process.platform === 'win32') return require(file);
  const cached = require.cache[file];
  if (cached) return cached.exports;
  const bundle = basename(file, '.js');
  const directory = cacheDirectory(process.env);
  const name = `code-${bundle}-${digest}-${process.version}-${process.arch}.v8`;
  const cachedData = readPrivateFile(directory, name, MAX_CACHE_BYTES);
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    process.once('exit', () => {
      writePrivateFile(directory, name, () => script.createCachedData());
      removeOtherCaches(directory, bundle, name);
    });
  }
  // Registered before it runs, as require() does: the bundles it loads require it back.
  const module = new Module(file);
  module.filename = file;
  require.cache[file] = module;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, require, module, file, dirname(file));
  module.loaded = true;
  return module.exports;
}

/** The bundle's caches of other builds or Node versions: one file per bundle, not per upgrade. */
function removeOtherCaches(directory: string, bundle: string, keep: string): void {
  const mine = new RegExp(`^code-${bundle}-[0-9a-f]+-v[\\d.]+-\\w+\\.v8$`);
  try {
    for (const entry of readdirSync(directory)) {
      if (entry !== keep && mine.test(entry)) unlinkSync(join(directory, entry));
    }
  } catch {
    // an unreadable directory held no cache of ours
  }
}
