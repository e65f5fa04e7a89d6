#!/usr/bin/env node
// The bin. pm's own code is in dist/cli/main.js; this shim only makes sure V8 does not compile
// it from scratch on every start. Node 22.1+ keeps compiled code between runs itself (in the
// OS temp dir, or where NODE_COMPILE_CACHE says), enabled before main is loaded so it covers
// it and every bundle main loads later; the build makes that import() a require(). Node 20
// has no such call: pm keeps the main bundle's code cache itself (cli/code-cache.ts).
import module from 'node:module';
import { requireWithCodeCache } from './cli/code-cache.js';

/** Digest of dist/cli/main.js, written in by the build (scripts/build-cli.mjs). */
declare const PM_MAIN_DIGEST: string;

const { enableCompileCache } = module as { enableCompileCache?: () => unknown };
if (enableCompileCache) {
  enableCompileCache();
  void import('./cli/main.js').then(({ runAsProcess }) => runAsProcess());
} else {
  const main = requireWithCodeCache(
    require.resolve('./cli/main.js'),
    PM_MAIN_DIGEST,
  ) as typeof import('./cli/main.js');
  void main.runAsProcess();
}
