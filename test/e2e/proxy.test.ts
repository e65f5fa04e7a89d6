// `pm proxy` with the real Caddy: names route to the ports the registry holds, follow the
// registry while it runs, and serve HTTPS with the CA Caddy made in pm's own directory. All
// traffic is on loopback; every process signalled here was started by this file (pm, the
// servers pm run started, and the Caddy pm proxy started, by the pid it recorded).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaddyfile } from '../../src/os/shared/caddy.js';
import { type Background, startBackground, stopAll } from '../helpers/background-pm.js';
import { CLI, runCli } from '../helpers/cli.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const hasCaddy = spawnSync('caddy', ['version']).error === undefined;
const RANGE = '28600-28699';
const tempDir = tempDirPerTest('pm-proxy-');

/**
 * A port nobody listens on now, on any address of either family (Caddy binds it on 127.0.0.1
 * and ::1): the OS picks it for a dual-stack listener that is closed again. Never one of
 * RANGE, where this suite's own servers (some on ::1 only) get their ports.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, host: '::', ipv6Only: false }, resolve);
    }).catch(
      // No IPv6 here: then Caddy binds only IPv4 too.
      () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    );
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const [low, high] = RANGE.split('-').map(Number) as [number, number];
    if (port < low || port > high) return port;
  }
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** GET / on 127.0.0.1:port with the Host a browser would send for `host`. */
function get(port: number, host: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/', headers: { Host: host }, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Polls until `check` passes, or fails with its last error after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The name's answer once it is 200, polled for at most `timeoutMs`. */
function answered(port: number, host: string, timeoutMs: number): Promise<Answer> {
  return eventually(async () => {
    const got = await get(port, host);
    if (got.status !== 200) throw new Error(`${host}: status ${got.status}`);
    return got;
  }, timeoutMs);
}

/**
 * A stand-in `caddy` that prints its arguments and data directory and exits 3: the real
 * `caddy trust` would change this machine's trust store. Returns its directory.
 */
function standInCaddy(dir: string): string {
  const bin = join(dir, 'stand-in-bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'caddy'),
    '#!/bin/sh\necho "args: $*"\necho "data: $XDG_DATA_HOME"\nexit 3\n',
  );
  chmodSync(join(bin, 'caddy'), 0o755);
  return bin;
}

/** A server for `pm run`: answers with its service marker and the URL variables it got. */
const SERVER = `
  require('node:http')
    .createServer((req, res) => res.end(JSON.stringify({
      service: process.env.PM_SERVICE, WEB_URL: process.env.WEB_URL ?? null,
    })))
    .listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () => console.log('listening ' + process.env.PORT));
`;

describe.runIf(hasCaddy)('pm proxy with Caddy', () => {
  let home: string;
  let registry: string;
  let env: NodeJS.ProcessEnv;
  let ports: { http: number; https: number; admin: number };
  let proxy: Background;
  const servers: Background[] = [];
  const pm = (...args: string[]) => runCli(['--registry', registry, ...args], env);
  const run = (...args: string[]) => {
    const started = startBackground(['--registry', registry, 'run', ...args], env);
    servers.push(started);
    return started;
  };

  beforeAll(async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    home = mkdtempSync(join(tmpdir(), 'pm-proxy-home-'));
    registry = join(home, 'registry.toml');
    env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, 'data'),
      PM_CACHE_DIR: process.env.PM_CACHE_DIR,
    };
    expect((await pm('config', '--range', RANGE)).code).toBe(0);
    const web = run('shop', 'web', '--', 'node', '-e', SERVER);
    await web.waitFor(/listening \d+/);
    // The ports are free when picked, but another suite on this machine may bind one before
    // Caddy does: only that failure picks new ports, at most three times.
    for (let attempt = 1; ; attempt++) {
      ports = { http: await freePort(), https: await freePort(), admin: await freePort() };
      proxy = startBackground(
        [
          '--registry',
          registry,
          'proxy',
          '--http-port',
          String(ports.http),
          '--https-port',
          String(ports.https),
          '--admin',
          `127.0.0.1:${ports.admin}`,
        ],
        env,
      );
      const ready = await Promise.race([
        proxy.waitFor(/Ctrl-C stops it/, 25_000).then(() => true),
        proxy.exited.then(() => false),
      ]);
      if (ready) break;
      const { stderr } = proxy.output();
      if (attempt === 3 || !/address already in use/.test(stderr)) {
        throw new Error(`pm proxy did not start: ${stderr}`);
      }
    }
  });

  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGTERM');
    if (proxy && proxy.child.exitCode === null) {
      proxy.child.kill('SIGTERM');
      await proxy.exited;
    }
    stopAll();
  });

  it('routes <service>.<project>.localhost to the port of a server pm run started', async () => {
    const answer = await get(ports.http, 'web.shop.localhost');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ service: 'shop/web' });
  });

  it('an unknown name gets a 404 that says where the names are', async () => {
    const answer = await get(ports.http, 'nothing.shop.localhost');
    expect(answer.status).toBe(404);
    expect(answer.body).toContain('pm status');
  });

  it('an allocation another pm makes answers by name within a second', async () => {
    const api = run('shop', 'api', '--', 'node', '-e', SERVER);
    // The allocation is in the registry before the server listens: from then on, the clock.
    await api.waitFor(/listening \d+/);
    const allocated = performance.now();
    const answer = await answered(ports.http, 'api.shop.localhost', 1000);
    expect(performance.now() - allocated).toBeLessThan(1000);
    expect(JSON.parse(answer.body)).toMatchObject({ service: 'shop/api' });
    await proxy.waitFor(/loaded: added api\.shop\.localhost/);
  });

  it("a worktree's name routes to the worktree's own port", async () => {
    const main = Number((await pm('query', 'shop', 'web')).stdout.trim());
    // A linked worktree's entry, as pm up records it (DESIGN §5a).
    const before = readFileSync(registry, 'utf8');
    writeFileSync(
      registry,
      `${before}\n[projects.shop-feat]\nworktree_of = "shop"\n\n[projects.shop-feat.ports]\n`,
    );
    const feat = run('shop-feat', 'web', '--', 'node', '-e', SERVER);
    const port = Number((await feat.waitFor(/listening (\d+)/))[1]);
    expect(port).not.toBe(main);
    const answer = await answered(ports.http, 'web.shop-feat.localhost', 5000);
    expect(JSON.parse(answer.body)).toMatchObject({ service: 'shop-feat/web' });
  });

  it('reaches a dev server that listens on ::1 only', async () => {
    const ipv6 = startBackground(
      ['--registry', registry, 'run', 'shop', 'v6', '--', 'node', '-e', SERVER],
      { ...env, HOST: '::1' },
    );
    servers.push(ipv6);
    await ipv6.waitFor(/listening \d+/);
    const answer = await answered(ports.http, 'v6.shop.localhost', 5000);
    expect(JSON.parse(answer.body)).toMatchObject({ service: 'shop/v6' });
  });

  it('serves HTTPS with a certificate of the CA Caddy made in pm’s data directory', async () => {
    const ca = readFileSync(
      join(
        env.XDG_DATA_HOME as string,
        'port-manager/proxy/data/caddy/pki/authorities/local/root.crt',
      ),
    );
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: ports.https,
          path: '/',
          servername: 'web.shop.localhost',
          headers: { Host: 'web.shop.localhost' },
          ca,
          agent: false,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ service: 'shop/web' });
  });

  it('pm status and pm env give the names while it runs; pm run passes <SERVICE>_URL on', async () => {
    const url = `http://web.shop.localhost:${ports.http}`;
    const status = JSON.parse((await pm('status', '--json')).stdout);
    expect(status.proxy).toEqual({
      http_port: ports.http,
      https_port: ports.https,
      admin: `127.0.0.1:${ports.admin}`,
    });
    const web = status.allocations.find((row: { service: string }) => row.service === 'web');
    expect(web.proxy_url).toBe(url);
    expect(web.proxy_https_url).toBe(`https://web.shop.localhost:${ports.https}`);
    expect((await pm('status')).stdout).toContain(url);
    expect((await pm('env', 'shop')).stdout).toContain(`WEB_URL=${url}`);
    expect(JSON.parse((await pm('env', 'shop', '--json')).stdout).WEB_URL).toBe(url);
    // The server pm run started after the proxy got the variable too.
    const answer = await get(ports.http, 'api.shop.localhost');
    expect(JSON.parse(answer.body).WEB_URL).toBe(url);
    // pm query, both forms, in text and JSON.
    const project = await pm('query', 'shop');
    expect(project.stdout).toMatch(new RegExp(`web\\s+${web.port}\\s+\\S+\\s+${url}`));
    const services = JSON.parse((await pm('query', 'shop', '--json')).stdout).services;
    expect(services.find((row: { service: string }) => row.service === 'web').proxy_url).toBe(url);
    expect((await pm('query', `:${web.port}`)).stdout).toContain(`name: ${url} (pm proxy)`);
    expect(JSON.parse((await pm('query', `:${web.port}`, '--json')).stdout).proxy_url).toBe(url);
  });

  it('pm mcp’s env and status tools give the names too, as pm env and pm status do', async () => {
    const client = new Client({ name: 'pm-proxy-test', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, '--registry', registry, 'mcp'],
        env: Object.fromEntries(
          Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
        ),
        stderr: 'pipe',
      }),
    );
    try {
      const result = await client.callTool({ name: 'env', arguments: { project: 'shop' } });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      const { variables } = result.structuredContent as { variables: Record<string, unknown> };
      expect(variables.WEB_URL).toBe(`http://web.shop.localhost:${ports.http}`);
      expect(typeof variables.WEB_PORT).toBe('number');
      const listed = await client.callTool({ name: 'status', arguments: { project: 'shop' } });
      expect(listed.isError, JSON.stringify(listed.content)).toBeFalsy();
      const shown = listed.structuredContent as {
        proxy: unknown;
        allocations: { service: string; proxy_url: string | null }[];
      };
      expect(shown.proxy).toEqual({
        http_port: ports.http,
        https_port: ports.https,
        admin: `127.0.0.1:${ports.admin}`,
      });
      const web = shown.allocations.find((row) => row.service === 'web');
      expect(web?.proxy_url).toBe(`http://web.shop.localhost:${ports.http}`);
    } finally {
      await client.close();
    }
  });

  it('a Caddyfile Caddy refuses leaves the running config in place, with Caddy’s reason', async () => {
    const outcome = await loadCaddyfile(
      `127.0.0.1:${ports.admin}`,
      'web.shop.localhost {\n\tnot_a_directive\n}\n',
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.reason).toMatch(/not_a_directive/);
    expect((await get(ports.http, 'web.shop.localhost')).status).toBe(200);
  });

  it('a second pm proxy says one runs already (exit 1)', async () => {
    const second = await pm('proxy', '--http-port', String(await freePort()));
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('pm proxy already runs');
  });

  it('pm proxy trust runs caddy trust against this proxy’s admin API, with its state dirs', async () => {
    const result = await runCli(['--registry', registry, 'proxy', 'trust'], {
      ...env,
      PATH: `${standInCaddy(home)}:${process.env.PATH}`,
    });
    expect(result.stdout).toContain(`args: trust --address 127.0.0.1:${ports.admin}`);
    expect(result.stdout).toContain(`data: ${join(home, 'data', 'port-manager', 'proxy', 'data')}`);
    expect(result.code).toBe(3);
  });

  it('stops on SIGINT with Caddy’s exit code, and then the names are gone from pm status', async () => {
    proxy.child.kill('SIGINT');
    expect(await proxy.exited).toBe(0);
    expect(existsSync(join(env.XDG_DATA_HOME as string, 'port-manager/proxy/proxy.json'))).toBe(
      false,
    );
    const status = JSON.parse((await pm('status', '--json')).stdout);
    expect(status.proxy).toBeNull();
    // The names are gone: each <SERVICE>_URL is the localhost one again.
    const vars = (await pm('env', 'shop')).stdout;
    expect(vars).not.toContain('.shop.localhost');
    expect(vars).toMatch(/^WEB_URL=http:\/\/localhost:\d+$/m);
    expect((await pm('query', 'shop')).stdout).not.toContain('.shop.localhost');
    const services = JSON.parse((await pm('query', 'shop', '--json')).stdout).services;
    expect(services.every((row: { proxy_url: unknown }) => row.proxy_url === null)).toBe(true);
    await expect(get(ports.http, 'web.shop.localhost')).rejects.toThrow();
  });
});

describe.runIf(hasCaddy)('pm proxy --print and pm export', () => {
  it('prints a Caddyfile that caddy validate accepts', async () => {
    const dir = tempDir();
    const registry = join(dir, 'registry.toml');
    const env = { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: join(dir, 'data') };
    await runCli(['--registry', registry, 'allocate', 'shop', 'web'], env);
    await runCli(['--registry', registry, 'allocate', 'My_Shop', 'api_'], env);
    const printed = await runCli(['--registry', registry, 'proxy', '--print'], env);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('http://api.my-shop.localhost, https://api.my-shop.localhost');
    const exported = await runCli(['--registry', registry, 'export', 'caddy'], env);
    for (const [name, text] of [
      ['Caddyfile', printed.stdout],
      // The export has no global block: a Caddyfile of its own is valid as it is.
      ['export.caddy', exported.stdout],
    ] as const) {
      writeFileSync(join(dir, name), text);
      const check = spawnSync(
        'caddy',
        ['validate', '--adapter', 'caddyfile', '--config', join(dir, name)],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            XDG_DATA_HOME: join(dir, 'data'),
            XDG_CONFIG_HOME: join(dir, 'config'),
          },
        },
      );
      expect(check.status, check.stderr).toBe(0);
    }
  });
});

describe.runIf(hasCaddy)('pm proxy on a taken port', () => {
  it('passes Caddy’s failure on and names the flags that choose other ports', async () => {
    const dir = tempDir();
    // This test's own listener holds the HTTP port.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as { port: number }).port;
    try {
      const result = await runCli(
        [
          '--registry',
          join(dir, 'registry.toml'),
          'proxy',
          '--http-port',
          String(taken),
          '--https-port',
          String(await freePort()),
          '--admin',
          String(await freePort()),
        ],
        { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: join(dir, 'data') },
        // pm exits when Caddy does, not after its wait for the admin API runs out.
        15_000,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('address already in use');
      expect(result.stderr).toContain(`--http-port N (now ${taken})`);
      expect(existsSync(join(dir, 'data', 'port-manager', 'proxy', 'proxy.json'))).toBe(false);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

describe('pm proxy without Caddy, and bad input', () => {
  const env = (dir: string, path = process.env.PATH) => ({
    PATH: path,
    HOME: dir,
    XDG_DATA_HOME: join(dir, 'data'),
  });

  it('says how to install Caddy when there is none on PATH (exit 1)', async () => {
    const dir = tempDir();
    const registry = join(dir, 'registry.toml');
    // Only node's own directory: no caddy there.
    const result = await runCli(['--registry', registry, 'proxy'], env(dir, join(dir, 'empty')));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no caddy on PATH');
    expect(result.stderr).toContain('sudo apt install caddy');
    expect(result.stderr).toContain('brew install caddy');
    expect(result.stderr).toContain('winget install CaddyServer.Caddy');
    expect(existsSync(registry)).toBe(false);
  });

  it('pm proxy trust says it needs a running pm proxy (exit 1)', async () => {
    const dir = tempDir();
    const result = await runCli(
      ['--registry', join(dir, 'registry.toml'), 'proxy', 'trust'],
      env(dir, `${standInCaddy(dir)}:${process.env.PATH}`),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('none runs');
    expect(result.stdout).not.toContain('args:');
  });

  it.each([
    [['proxy', '--admin', '0.0.0.0:2019'], 'loopback'],
    [['proxy', '--admin', 'example.com:80'], 'loopback'],
    [['proxy', '--http-port', '5000', '--https-port', '5000'], 'a port each'],
    [['proxy', '--http-port', '70000'], '--http-port'],
    [['proxy', 'untrust'], "unknown proxy action 'untrust'"],
    [['export'], 'missing the format'],
    [['export', 'apache'], "unknown export format 'apache'"],
  ])('pm %j is a usage error (exit 2)', async (args, message) => {
    const dir = tempDir();
    const registry = join(dir, 'registry.toml');
    const result = await runCli(['--registry', registry, ...args], env(dir));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(existsSync(registry)).toBe(false);
  });
});
