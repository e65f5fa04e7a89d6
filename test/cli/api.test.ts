// The programmatic API as the README shows it: imported by package name like a user would,
// and the one-line calls (port, env) against real registry files in temp directories.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { env, port, query, status, url } from '../../src/api/index.js';
import { allocate, defaultDeps as depsFor } from '../../src/api/internal.js';
import { failure } from '../helpers/errors.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest();
/** The CLI's wiring, to set up and check allocations beside the API (not part of it). */
const defaultDeps = (registry: string) => depsFor(registry);
const ENTRY = fileURLToPath(new URL('../../dist/api/index.js', import.meta.url));

/** Runs an ES module snippet in a fresh node, from `cwd`, with exactly `env`; its stdout. */
function runModule(script: string, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
  });
}

it('allocates and reads back through `import { port, query, status } from "port-ledger"`', () => {
  const registry = join(tempDir(), 'registry.toml');
  const script = `
    import { port, query, status } from 'port-ledger';
    const options = { registry: ${JSON.stringify(registry)} };
    const web = await port('shop', 'web', options);
    const again = await port('shop', 'web', options);
    const rows = await status(options);
    const shop = await query('shop', options);
    console.log(JSON.stringify({ web, again, rows, shop }));
  `;
  const { web, again, rows, shop } = JSON.parse(runModule(script));
  expect(again).toBe(web);
  expect(rows).toEqual([
    { project: 'shop', service: 'web', port: web, state: expect.any(String), listeners: [] },
  ]);
  expect(shop).toEqual({ project: 'shop', services: rows });
  expect(readFileSync(registry, 'utf8')).toContain(`web = ${web}`);
});

describe('port()', () => {
  it("port('shop', 'web') allocates once and returns the same number every time", async () => {
    const registry = join(tempDir(), 'registry.toml');
    const first = await port('shop', 'web', { registry });
    expect(Number.isInteger(first)).toBe(true);
    expect(await port('shop', 'web', { registry })).toBe(first);
    expect(readFileSync(registry, 'utf8')).toContain(`web = ${first}`);
    // The same allocation the CLI's core sees.
    const { port: explicit, created } = await allocate(defaultDeps(registry), {
      project: 'shop',
      service: 'web',
    });
    expect([explicit, created]).toEqual([first, false]);
  });

  it("port('web') takes the project whose recorded path holds the directory", async () => {
    const root = tempDir();
    const registry = join(root, 'registry.toml');
    const project = join(root, 'shop');
    mkdirSync(join(project, 'packages', 'ui'), { recursive: true });
    const { port: web } = await allocate(defaultDeps(registry), {
      project: 'shop',
      service: 'web',
      path: project,
    });
    expect(await port('web', { registry, cwd: join(project, 'packages', 'ui') })).toBe(web);
    // A relative `cwd` counts from the process's working directory, as a path on the CLI would.
    expect(await port('web', { registry, cwd: relative(process.cwd(), project) })).toBe(web);
    // A new service of the inferred project is allocated there, not in another project.
    const api = await port('api', { registry, cwd: project });
    expect(api).not.toBe(web);
    expect(await env('shop', { registry })).toEqual({
      API_PORT: String(api),
      API_URL: `http://localhost:${api}`,
      WEB_PORT: String(web),
      WEB_URL: `http://localhost:${web}`,
    });
  });

  it('infers from the working directory and finds $PM_REGISTRY by default, like the CLI', async () => {
    const root = tempDir();
    const registry = join(root, 'registry.toml');
    const project = join(root, 'shop');
    mkdirSync(project);
    const { port: web } = await allocate(defaultDeps(registry), {
      project: 'shop',
      service: 'web',
      path: project,
    });
    const script = `
      import { env, port } from ${JSON.stringify(ENTRY)};
      console.log(JSON.stringify([await port('web'), await env()]));
    `;
    const out = runModule(script, { cwd: project, env: { PM_REGISTRY: registry } });
    expect(JSON.parse(out)).toEqual([
      web,
      { WEB_PORT: String(web), WEB_URL: `http://localhost:${web}` },
    ]);
  });

  it('outside every project: NO_PROJECT naming the directory, registry untouched', async () => {
    const root = tempDir();
    const registry = join(root, 'registry.toml');
    const error = await failure(port('web', { registry, cwd: root }));
    expect(error.code).toBe('NO_PROJECT');
    expect(error.message).toContain(root);
    // The message itself says what to do: a config file usually lets the error escape.
    expect(error.message).toContain("name the project: port('<project>', 'web')");
    expect(error.remedies).not.toEqual([]);
    expect(existsSync(registry)).toBe(false);
  });

  it('refuses bad names and bad preferred ports with the CLI codes', async () => {
    const registry = join(tempDir(), 'registry.toml');
    const badName = await failure(port('shop', 'my web', { registry }));
    expect(badName.code).toBe('INVALID_NAME');
    expect(badName.message).toMatch(/invalid service name: 'my web' \(names start with a letter/);
    expect((await failure(port('sh.op', 'web', { registry }))).code).toBe('INVALID_NAME');
    expect((await failure(port('shop', 'web', { registry, prefer: 70_000 }))).code).toBe(
      'INVALID_PORT',
    );
    expect(existsSync(registry)).toBe(false);
  });

  it('searches from `prefer` up for a new service, like --prefer', async () => {
    const registry = join(tempDir(), 'registry.toml');
    const web = await port('shop', 'web', { registry, prefer: 7000 });
    expect(web).toBeGreaterThanOrEqual(7000);
    expect(web).toBeLessThanOrEqual(9999);
  });
});

describe('env()', () => {
  it('names every service <SERVICE>_PORT, upper case, "-" as "_"', async () => {
    const registry = join(tempDir(), 'registry.toml');
    const gateway = await port('shop', 'api-gw', { registry });
    const web = await port('shop', 'web', { registry });
    await port('other', 'web', { registry });
    expect(await env('shop', { registry })).toEqual({
      API_GW_PORT: String(gateway),
      API_GW_URL: `http://localhost:${gateway}`,
      WEB_PORT: String(web),
      WEB_URL: `http://localhost:${web}`,
    });
  });

  it('an unknown project is NOT_FOUND and allocates nothing', async () => {
    const registry = join(tempDir(), 'registry.toml');
    expect((await failure(env('shop', { registry }))).code).toBe('NOT_FOUND');
    const nowhere = await failure(env({ registry, cwd: tempDir() }));
    expect(nowhere.code).toBe('NO_PROJECT');
    expect(nowhere.message).toContain("name the project: env('<project>')");
    expect(existsSync(registry)).toBe(false);
  });
});

describe('status() and query()', () => {
  it('list every service with its live state, a listener included', async () => {
    const registry = join(tempDir(), 'registry.toml');
    const web = await port('shop', 'web', { registry });
    const api = await port('shop', 'api', { registry });
    const rows = await status({ registry });
    expect(rows.map((row) => [row.service, row.port])).toEqual([
      ['api', api],
      ['web', web],
    ]);
    const shop = await query('shop', { registry });
    expect(shop.services.map((row) => row.service)).toEqual(['api', 'web']);
  });

  it('query() of an unknown project is NOT_FOUND and writes nothing', async () => {
    const registry = join(tempDir(), 'registry.toml');
    expect((await failure(query('shop', { registry }))).code).toBe('NOT_FOUND');
    expect((await failure(query('no such', { registry }))).code).toBe('INVALID_NAME');
    expect(existsSync(registry)).toBe(false);
  });
});

describe('url()', () => {
  it("gives http://localhost:<port> beside port(), and the manifest's template", async () => {
    const root = tempDir();
    const registry = join(root, 'registry.toml');
    const project = join(root, 'shop');
    mkdirSync(project);
    writeFileSync(
      join(project, '.pm.toml'),
      'project = "shop"\n[services.api]\nurl = "https://localhost:{port}/v1"\n[services.web]\n',
    );
    const web = await port('web', { registry, cwd: project });
    expect(await url('web', { registry, cwd: project })).toBe(`http://localhost:${web}`);
    const api = await url('api', { registry, cwd: project });
    expect(api).toBe(`https://localhost:${await port('api', { registry, cwd: project })}/v1`);
    // Named: the project's own allocation, the default form.
    expect(await url('shop', 'web', { registry })).toBe(`http://localhost:${web}`);
    expect((await failure(url('bad name', { registry, cwd: project }))).code).toBe('INVALID_NAME');
  });
});
