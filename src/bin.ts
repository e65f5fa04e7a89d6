#!/usr/bin/env node
// The bin. Before pm's code loads, it turns on Node's compile cache (V8's code of pm's bundle,
// the dashboard's and koffi's, kept between runs) in pm's private cache directory, and only
// there: with no directory Node would use $TMPDIR/node-compile-cache, which another local user
// can create and fill with code pm would then run. A directory that is not private gets no
// cache. The cache covers only what loads after it is on, hence a bin apart from the bundle.
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { cacheDirectory, ensurePrivateDirectory } from './os/shared/private-cache.js';

const cache = cacheDirectory(process.env);
const compiled = join(cache, 'node-compile-cache');
if (ensurePrivateDirectory(cache) && ensurePrivateDirectory(compiled)) {
  enableCompileCache(compiled);
}

// A require() in the body, not an import: an import would load the bundle before the lines above.
const { runAsProcess } = require('./cli/main.js') as typeof import('./cli/main.js');
void runAsProcess();
