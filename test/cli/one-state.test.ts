// One state, one answer: status, query (both forms), kill, free and allocate agree about a
// service whose own process listens elsewhere (moved) or on its port. Real registry, real
// listeners started here (with the `pm run` marker in their environment), pm in-process.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningChild, startNode } from '../helpers/child.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-one-state-');
const children: RunningChild<number>[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) await child.stop();
});

const SERVER = `
  const server = require('node:net').createServer();
  server.listen({ port: 0, host: '127.0.0.1' }, () => console.log(JSON.stringify(server.address().port)));
`;

/** A listener started for `marker` (as `pm run` marks its child) against `registry`. */
async function serviceProcess(registry: string, marker?: string, cwd?: string) {
  const env = marker ? { PM_SERVICE: marker, PM_REGISTRY: registry } : {};
  const child = await startNode<number>(['-e', SERVER], 10_000, cwd, env);
  children.push(child);
  return { pid: child.pid, port: child.report, exit: child.exit };
}

/** A registry whose range is around `port`, so pm hands out a port near the listener. */
async function registryAround(path: string, port: number) {
  const pm = (...args: string[]) => runMain(['--registry', path, ...args]);
  const range = `${Math.max(1024, port - 40)}-${Math.min(65535, port + 40)}`;
  expect((await pm('config', '--range', range)).code).toBe(0);
  return { path, pm };
}

describe('a moved service', () => {
  async function moved() {
    const path = join(tempDir(), 'registry.toml');
    const held = await serviceProcess(path, 'shop/api');
    const { pm } = await registryAround(path, held.port);
    const own = Number((await pm('allocate', 'shop', 'api')).stdout);
    expect(own).not.toBe(held.port);
    return { pm, held, own };
  }

  it('is moved, with where, in status, both forms of query and the JSON', async () => {
    const { pm, held, own } = await moved();
    const status = JSON.parse((await pm('status', '--all', '--json')).stdout);
    expect(status.allocations[0]).toMatchObject({ state: 'moved', moved_to: held.port });
    // The port it moved to is the service's, not an unallocated listener.
    expect(status.unmanaged.map((row: { port: number }) => row.port)).not.toContain(held.port);

    const byPort = JSON.parse((await pm('query', `:${own}`, '--json')).stdout);
    expect(byPort).toMatchObject({ state: 'moved', moved_to: held.port });
    const text = (await pm('query', `:${own}`)).stdout;
    expect(text).toContain(`port ${own}: shop/api (moved \u2192 ${held.port})`);
    expect(text).toContain(`pid ${held.pid}`);
    expect(text).not.toContain('listening: nothing');

    const project = JSON.parse((await pm('query', 'shop', '--json')).stdout);
    expect(project.services[0]).toMatchObject({ state: 'moved', moved_to: held.port });
    expect((await pm('query', 'shop')).stdout).toContain(`moved \u2192 ${held.port}`);
  });

  it("pm kill <service> stops the service's own process and names both ports", async () => {
    const { pm, held, own } = await moved();
    const byPort = await pm('kill', `:${own}`);
    expect(byPort.code).toBe(1);
    expect(byPort.stderr).toContain(`shop/api moved to ${held.port}`);
    const result = await pm('kill', 'shop', 'api');
    expect(result.stderr).toContain(`${own}`);
    expect(result.stderr).toContain(`stopped node (pid ${held.pid})`);
    expect(result.stderr).toContain(`on port ${held.port} with SIGTERM`);
    expect(result.code).toBe(0);
    expect(await held.exit).toBe('SIGTERM');
  });
});

describe('a port listened on by the service itself', () => {
  it('pm free warns that the port is still listened on (stderr, exit 0)', async () => {
    const path = join(tempDir(), 'registry.toml');
    const held = await serviceProcess(path, 'shop/web');
    const { pm } = await registryAround(path, held.port);
    expect((await pm('allocate', 'shop', 'web', '--port', String(held.port), '--force')).code).toBe(
      0,
    );
    const freed = await pm('free', 'shop', 'web');
    expect(freed.code).toBe(0);
    expect(freed.stderr).toContain(`freed shop/web (port ${held.port})`);
    expect(freed.stderr).toMatch(new RegExp(`still listened on by node \\(pid ${held.pid}\\)`));
  });

  it('re-allocating the port of its own pm run process needs no --force', async () => {
    const path = join(tempDir(), 'registry.toml');
    const held = await serviceProcess(path, 'shop/web');
    const { pm } = await registryAround(path, held.port);
    const again = await pm('allocate', 'shop', 'web', '--port', String(held.port));
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(String(held.port));
    // Another service's process is still refused.
    const other = await pm('allocate', 'shop', 'api', '--port', String(held.port));
    expect(other.code).toBe(1);
  });

  it('nor one whose process runs inside the project directory', async () => {
    const dir = join(tempDir(), 'shop');
    mkdirSync(dir);
    const path = join(tempDir(), 'registry.toml');
    const held = await serviceProcess(path, undefined, dir);
    const { pm } = await registryAround(path, held.port);
    const result = await pm('allocate', 'shop', 'web', '--port', String(held.port), '--path', dir);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(String(held.port));
    const outside = await pm('allocate', 'blog', 'web', '--port', String(held.port));
    expect(outside.code).toBe(1);
  });
});

describe('pm run, before it starts anything', () => {
  it('warns about a service the manifest does not declare, naming those it does', async () => {
    const dir = join(tempDir(), 'shop');
    mkdirSync(dir);
    writeFileSync(join(dir, '.pm.toml'), 'project = "shop"\n[services.web]\n[services.api]\n');
    const path = join(tempDir(), 'registry.toml');
    const run = await runMain(
      ['--registry', path, 'run', 'nosvc', '--', process.execPath, '-e', '0'],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `warning: nosvc is not declared in ${join(dir, '.pm.toml')} (it declares api, web)`,
    );
  });

  it('says the service is already running when its own process holds its port, and exits 1', async () => {
    const path = join(tempDir(), 'registry.toml');
    const held = await serviceProcess(path, 'shop/web');
    const { pm } = await registryAround(path, held.port);
    expect((await pm('allocate', 'shop', 'web', '--port', String(held.port))).code).toBe(0);
    const marker = join(tempDir(), 'started');
    const run = await pm(
      'run',
      'shop',
      'web',
      '--',
      process.execPath,
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`shop/web is already running: node (pid ${held.pid})`);
    expect(run.stderr).toContain(`listens on its port ${held.port}`);
    expect(run.stderr).not.toContain('EADDRINUSE');
    expect(existsSync(marker)).toBe(false);
  });
});
