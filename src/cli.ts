#!/usr/bin/env node
// The bin. pm's own code is in dist/cli/main.js and the bundles it loads on demand; this shim
// makes sure V8 does not compile them from scratch on every start. They load through pm's
// own code cache (cli/code-cache.ts), on every Node version: it is written at the end of a
// run, so it also holds the functions that run compiled, which Node's compile cache (22.1+)
// does not: side by side on Node 24, pm query 37.5 -> 35.9 ms and pm --once 48.3 -> 45.1 with
// pm's over Node's. Node's is turned on too, where it exists, for what pm's does not cover:
// koffi's files and the dashboard's ES module bundle.
import { Module } from 'node:module';
import { basename } from 'node:path';
import { requireWithCodeCache } from './cli/code-cache.js';

/** Digest of each CommonJS bundle in dist/cli/, by file name, written in by the build. */
declare const PM_BUNDLE_DIGESTS: Readonly<Record<string, string>>;

// Named imports of Node's modules, never `* as` or default: the CommonJS bundle would copy
// every property of the module for those (0.3-0.5 ms each, measured).
(Module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/** How pm's bundles load one another (scripts/build-cli.mjs writes the calls). */
export function __pmRequire(file: string): unknown {
  return requireWithCodeCache(file, PM_BUNDLE_DIGESTS[basename(file)]);
}

const main = __pmRequire(require.resolve('./cli/main.js')) as typeof import('./cli/main.js');
void main.runAsProcess();
