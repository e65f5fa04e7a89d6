// Crash-test writer: rewrites a large registry in a loop through the real RegistryStore,
// stamping a generation into the header and into every project. The test SIGKILLs it at a
// random moment. Its disk is slowed (writes of at most CHUNK bytes, each followed by
// datasync) so that a good share of the kills land while a temp file is being written.
// It warms up (parses and serialises the file in memory) before printing "ready", then waits
// for "go" on stdin, so the test can start the next writer while killing the current one.
// argv: <registry> <chunk bytes>
import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import {
  parseRegistry,
  RegistryStore,
  serializeRegistry,
  storeSystem,
} from '../../../dist/api/internal.js';
import { lockFromEnv } from './lock-env.mjs';

const [path, chunkText] = process.argv.slice(2);
const chunk = Number(chunkText);

async function open(file, flags, mode) {
  const handle = await fs.open(file, flags, mode);
  if (!file.endsWith('.tmp')) return handle;
  return new Proxy(handle, {
    get(target, key) {
      if (key === 'write') {
        return async (buffer, offset, length) => {
          const result = await target.write(buffer, offset, Math.min(length, chunk));
          await target.datasync();
          return result;
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const store = new RegistryStore({
  ...storeSystem(process.platform),
  ...lockFromEnv(),
  path,
  fs: { open },
});
for (let i = 0; i < 2; i++) serializeRegistry(parseRegistry(readFileSync(path, 'utf8'), path));
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
for (;;) {
  const generation = await store.transaction((registry) => {
    const next = registry.extra.gen + 1n;
    const projects = new Map();
    for (const [name, project] of registry.projects) {
      projects.set(name, { ...project, extra: { ...project.extra, gen: next } });
    }
    return {
      registry: { ...registry, projects, extra: { ...registry.extra, gen: next } },
      result: next,
    };
  });
  process.stdout.write(`committed ${generation}\n`);
}
