// A writer that pauses at the rename point of its write: it adds <project>.web on the lowest
// port of the range not yet allocated, prints "renaming" just before replacing the registry,
// waits for a line on stdin, then renames and prints "committed <port>". The test stops it
// (SIGSTOP) while paused, as a sleeping laptop or a stopped job would be. argv: <registry> <project>
import { rename } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { RegistryStore, storeSystem } from '../../../dist/api/internal.js';
import { lockFromEnv } from './lock-env.mjs';

const [path, project] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const store = new RegistryStore({
  ...storeSystem(process.platform),
  ...lockFromEnv(),
  path,
  fs: {
    rename: async (from, to) => {
      if (to === path) {
        process.stdout.write('renaming\n');
        await lines.next();
      }
      await rename(from, to);
    },
  },
});
const port = await store.transaction((registry) => {
  const used = new Set([...registry.projects.values()].flatMap((p) => [...p.ports.values()]));
  let port = registry.defaults.range.start;
  while (used.has(port)) port++;
  const projects = new Map(registry.projects);
  projects.set(project, { ports: new Map([['web', port]]), extra: {} });
  return { registry: { ...registry, projects }, result: port };
});
process.stdout.write(`committed ${port}\n`);
process.exit(0);
