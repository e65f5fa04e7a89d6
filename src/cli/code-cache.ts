// Node 20 keeps no compiled code between runs (22.1+ does: the bin calls
// module.enableCompileCache there instead). Compiling pm's main bundle is ~4.5 ms of a
// `pm query` whose whole budget over `node -e 0` is ~18 ms, so on Node 20 pm keeps V8's code
// cache of that bundle itself: it is compiled with the cached data when there is some, and
// V8's code (with the functions this run compiled) is saved at exit when there was none or
// V8 refused it. Measured: pm query 74.8 -> 69.2 ms, node -e 0 58.9 (docs/benchmarks.md).
//
// The cached data is code pm runs, so it is read and written only with the checks of
// native/private-cache.ts (this user's, in a directory nobody else may write). V8 checks its
// version and flags but tells sources apart only by their length: the file name carries a
// digest of the bundle, computed by the build, so a rebuilt bundle never meets an old cache.
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { cacheDirectory, readPrivateFile, writePrivateFile } from '../native/private-cache.js';

/** Far more than V8 writes for pm's bundle (~150 kB); a larger file is not ours. */
const MAX_CACHE_BYTES = 16 * 1024 * 1024;
const CACHE_FILE = /^code-[0-9a-f]+-v[\d.]+-\w+\.v8$/;

/** Loads the CommonJS file `file` as require() would, through the code cache. */
export function requireWithCodeCache(file: string, digest: string): unknown {
  const require = createRequire(file);
  // Windows has no uid to tell a private directory by: no cache there (see private-cache.ts).
  if (process.platform === 'win32') return require(file);
  const directory = cacheDirectory();
  const name = `code-${digest}-${process.version}-${process.arch}.v8`;
  const source = readFileSync(file, 'utf8');
  const cachedData = readPrivateFile(directory, name, MAX_CACHE_BYTES);
  const script = new Script(Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    process.once('exit', () => {
      writePrivateFile(directory, name, () => script.createCachedData());
      removeOtherCaches(directory, name);
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

/** Caches of other builds or Node versions: one file per pm, not one per upgrade. */
function removeOtherCaches(directory: string, keep: string): void {
  try {
    for (const entry of readdirSync(directory)) {
      if (entry !== keep && CACHE_FILE.test(entry)) unlinkSync(join(directory, entry));
    }
  } catch {
    // an unreadable directory held no cache of ours
  }
}
