// One transaction that adds a project: the "other writer" of the compromised-lock test.
// Prints "ready" just before asking for the lock and "committed" after the write.
// argv: <registry> <project> <port>
import { RegistryStore, storeSystem } from '../../../dist/api/internal.js';
import { lockFromEnv } from './lock-env.mjs';

const [path, project, portText] = process.argv.slice(2);
const store = new RegistryStore({
  ...storeSystem(process.platform),
  ...lockFromEnv(),
  path,
  onNotice: (message) => process.stdout.write(`note: ${message}\n`),
});
process.stdout.write('ready\n');
await store.transaction((registry) => {
  const projects = new Map(registry.projects);
  projects.set(project, { ports: new Map([['web', Number(portText)]]), extra: {} });
  return { registry: { ...registry, projects }, result: undefined };
});
process.stdout.write('committed\n');
