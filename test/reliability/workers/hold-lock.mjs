// Takes the registry lock through a real transaction and keeps it (the lock refresh timer
// runs) until killed. Prints "locked" once it holds it. argv: <registry>
import { RegistryStore, storeSystem } from '../../../dist/api/internal.js';
import { lockFromEnv } from './lock-env.mjs';

const [path] = process.argv.slice(2);
const store = new RegistryStore({ ...storeSystem(process.platform), ...lockFromEnv(), path });
setInterval(() => {}, 60_000); // proper-lockfile's timer is unref'd; stay alive until killed
await store.transaction(async (registry) => {
  process.stdout.write('locked\n');
  await new Promise(() => {});
  return { registry, result: undefined };
});
