#!/usr/bin/env node
// The bin. pm's own code is in dist/cli/main.js and the bundles it loads on demand; this shim
// only makes sure V8 does not compile them from scratch on every start. Node 22.1+ keeps
// compiled code between runs itself (in the OS temp dir, or where NODE_COMPILE_CACHE says),
// enabled before main is loaded so it covers every bundle; the build makes that import() a
// require(). Node 20 has no such call: pm keeps the bundles' code cache itself
// (cli/code-cache.ts), and the bundles load each other through `__pmRequire` below.
import { Module } from 'node:module';
import { basename } from 'node:path';
import { requireWithCodeCache } from './cli/code-cache.js';

/** Digest of each CommonJS bundle in dist/cli/, by file name, written in by the build. */
declare const PM_BUNDLE_DIGESTS: Readonly<Record<string, string>>;

// Named imports of Node's modules, never `* as` or default: the CommonJS bundle would copy
// every property of the module for those (0.3-0.5 ms each, measured).
const { enableCompileCache } = Module as { enableCompileCache?: () => unknown };
enableCompileCache?.call(Module);

/** How pm's bundles load one another (scripts/build-cli.mjs writes the calls). */
export function __pmRequire(file: string): unknown {
  return requireWithCodeCache(
    file,
    enableCompileCache ? undefined : PM_BUNDLE_DIGESTS[basename(file)],
  );
}

const main = __pmRequire(require.resolve('./cli/main.js')) as typeof import('./cli/main.js');
void main.runAsProcess();
