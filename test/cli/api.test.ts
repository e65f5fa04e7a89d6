// The programmatic API as the README shows it: imported by package name like a user would,
// and the one-line calls (port, env) against real registry files in temp directories.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allocate, defaultDeps, env, port } from '../../src/api/index.js';
import { failure } from '../helpers/errors.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest();
const ENTRY = fileURLToPath(new URL('../../dist/api/index.js', import.meta.url));

/** Runs an ES module snippet in a fresh node, from `cwd`, with exactly `env`; its stdout. */
function runModule(script: string, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
  });
}

it('allocates through `import { allocate, defaultDeps } from "port-ledger"`', () => {
  const registry = join(tempDir(), 'registry.toml');
  const script = `
    import { allocate, defaultDeps } from 'port-ledger';
    const deps = defaultDeps(${JSON.stringify(registry)});
    const first = await allocate(deps, { project: 'shop', service: 'web' });
    const again = await allocate(deps, { project: 'shop', service: 'web' });
    console.log(JSON.stringify([first.port, first.created, again.port, again.created]));
  `;
  const out = runModule(script);
  const [port, created, againPort, againCreated] = JSON.parse(out) as [
    number,
    boolean,
    number,
    boolean,
  ];
  expect(created).toBe(true);
  expect(againPort).toBe(port);
  expect(againCreated).toBe(false);
  expect(readFileSync(registry, 'utf8')).toContain(`web = ${port}`);
});

describe('port()', () => {
  it("port('shop', 'web') allocates once and returns the same number every time", async () => {
    const registry = join(tempDir(), 'registry.toml');
    const first = await port('shop', 'web', { registry });
    expect(Number.isInteger(first)).toBe(true);
    expect(await port('shop', 'web', { registry })).toBe(first);
    expect(readFileSync(registry, 'utf8')).toContain(`web = ${first}`);
    // The same allocation the explicit API and the CLI see.
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
      WEB_PORT: String(web),
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
    expect(JSON.parse(out)).toEqual([web, { WEB_PORT: String(web) }]);
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
      WEB_PORT: String(web),
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
