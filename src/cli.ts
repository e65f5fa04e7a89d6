#!/usr/bin/env node
// Node 22.1+ can keep V8's compiled code of pm's bundles between runs (in the OS temp dir, or
// where NODE_COMPILE_CACHE says): every later start skips compiling them. Node 20 has no such
// call and starts as before. Enabled before the rest of pm is loaded, so it covers it; the
// build makes this import() a require() of dist/cli/main.js (scripts/build-cli.mjs).
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
void import('./cli/main.js').then(({ runAsProcess }) => runAsProcess());
