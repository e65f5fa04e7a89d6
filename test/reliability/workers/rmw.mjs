// Lost-update worker: `count` read-modify-write transactions through the real RegistryStore.
// Each adds one service (a distinct port) and bumps a counter. Waits for "go" on stdin so all
// workers start together. argv: <registry> <worker id> <count> <lock|nolock>
import { RegistryStore, storeSystem } from '../../../dist/api/internal.js';
import { lockFromEnv } from './lock-env.mjs';

const [path, idText, countText, mode] = process.argv.slice(2);
const id = Number(idText);
const count = Number(countText);
// The control run only switches the lock off. The temp-file sweep is hidden from it too (an
// empty directory listing): that sweep is only safe under the lock, and unlocked it would
// delete other writers' temp files, turning lost updates into failed ones.
const store =
  mode === 'nolock'
    ? new RegistryStore({
        ...storeSystem(process.platform),
        ...lockFromEnv(),
        path,
        unsafeNoLock: true,
        fs: { readdir: async () => [] },
      })
    : new RegistryStore({ ...storeSystem(process.platform), ...lockFromEnv(), path });

function addService(registry, service, port) {
  const project = `w${id}`;
  const current = registry.projects.get(project);
  const ports = new Map(current?.ports ?? []);
  ports.set(service, port);
  const projects = new Map(registry.projects);
  projects.set(project, { ...(current ?? { extra: {} }), ports });
  const counter = typeof registry.extra.counter === 'bigint' ? registry.extra.counter : 0n;
  return { ...registry, projects, extra: { ...registry.extra, counter: counter + 1n } };
}

process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  let ok = 0;
  const errors = [];
  for (let i = 0; i < count; i++) {
    try {
      await store.transaction((registry) => ({
        registry: addService(registry, `t${i}`, 20000 + id * 100 + i),
        result: undefined,
      }));
      ok++;
      process.stdout.write(`ok w${id}.t${i}\n`);
    } catch (error) {
      errors.push(`${error.code ?? ''} ${error.message}`);
    }
  }
  process.stdout.write(`${JSON.stringify({ done: true, ok, errors })}\n`);
  process.exit(errors.length === 0 ? 0 : 1);
});
