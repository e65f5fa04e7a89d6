#!/usr/bin/env node
// Node 22.1+ can keep V8's compiled code of pm's bundle between runs (in the OS temp dir, or
// where NODE_COMPILE_CACHE says): every later start skips compiling it. Node 20 has no such
// call and starts as before. Enabled before the rest of pm is imported, so it covers it.
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { runAsProcess } = await import('./cli/main.js');
await runAsProcess();
