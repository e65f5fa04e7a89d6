import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type HeldPorts, holdListeners } from '../helpers/listener.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

// In-process through main(): the process-level behaviour is in process.test.ts.
/** What pm names a Node process: the kernel's comm on Linux and macOS, the image on Windows. */
const NODE = process.platform === 'win32' ? 'node.exe' : 'node';

// A range of its own, so this file never races other test files for ports.
const RANGE = '21000-21099';
const tempDir = tempDirPerTest();
const held: HeldPorts[] = [];
afterEach(async () => {
  for (const h of held.splice(0)) await h.stop();
});

async function registry(): Promise<{
  path: string;
  pm: (...args: string[]) => ReturnType<typeof runMain>;
}> {
  const path = join(tempDir(), 'registry.toml');
  const pm = (...args: string[]) => runMain(['--registry', path, ...args]);
  expect((await pm('config', '--range', RANGE)).code).toBe(0);
  return { path, pm };
}

/** The port pm printed: tests never assume which free port pm hands out. */
const portOf = (result: { stdout: string }) => Number(result.stdout.trim());

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('pm allocate', () => {
  it('prints only the port on stdout, and the same port again', async () => {
    const { pm, path } = await registry();
    const first = await pm('allocate', 'shop', 'web');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^210\d\d\n$/);
    const second = await pm('allocate', 'shop', 'web');
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(path, 'utf8')).toContain(`web = ${first.stdout.trim()}`);
  });

  it('reports JSON with created true then false', async () => {
    const { pm } = await registry();
    const a = JSON.parse((await pm('allocate', 'shop', 'api', '--json')).stdout);
    const b = JSON.parse((await pm('allocate', 'shop', 'api', '--json')).stdout);
    expect(a).toEqual({ project: 'shop', service: 'api', port: a.port, created: true });
    expect(b).toEqual({ ...a, created: false });
  });

  it('skips a port a real process listens on, and refuses it explicitly naming the pid', async () => {
    const { pm, path } = await registry();
    const listener = await holdListeners([{ host: '127.0.0.1', port: 21000 }]);
    held.push(listener);
    const web = portOf(await pm('allocate', 'shop', 'web'));
    expect(web).not.toBe(21000);
    expect(web).toBeGreaterThan(21000);
    const refused = await pm('allocate', 'shop', 'db', '--port', '21000');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`${NODE} (pid ${listener.pid})`);
    expect(refused.stderr).toMatch(/hint: .*pm suggest/);
    expect(readFileSync(path, 'utf8')).not.toContain('db =');
    const forced = await pm('allocate', 'shop', 'db', '--port', '21000', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe('21000\n');
    expect(forced.stderr).toContain('warning:');
  });

  it('refuses a port owned by another service, naming it', async () => {
    const { pm } = await registry();
    await pm('allocate', 'shop', 'web', '--port', '21050');
    const result = await pm('allocate', 'blog', 'web', '--port', '21050');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already allocated to shop/web');
  });

  it('records the project directory with --path; a listener started elsewhere is a conflict', async () => {
    const { pm, path } = await registry();
    const projectDir = tempDir();
    const web = portOf(await pm('allocate', 'shop', 'web', '--path', projectDir));
    // TOML escapes a Windows path's backslashes as JSON does.
    expect(readFileSync(path, 'utf8')).toContain(
      `[projects.shop]\npath = ${JSON.stringify(projectDir)}`,
    );
    expect(JSON.parse((await pm('query', 'shop', '--json')).stdout).path).toBe(projectDir);
    // The listener runs from the test's directory, not from projectDir.
    const listener = await holdListeners([{ host: '127.0.0.1', port: web }]);
    held.push(listener);
    expect((await pm('status')).stdout).toMatch(
      new RegExp(`shop\\s+web\\s+${web}\\s+conflict\\s+${listener.pid}`),
    );
    // query explains the conflict: the project's path, and where the listener runs.
    const why = `conflict: pid ${listener.pid} node runs in ${process.cwd()}, outside ${projectDir}`;
    const port = (await pm('query', `:${web}`)).stdout;
    expect(port).toContain(`port ${web}: shop/web (conflict)`);
    expect(port).toContain(`path: ${projectDir}`);
    expect(port).toContain(why);
    const project = (await pm('query', 'shop')).stdout;
    expect(project).toContain(`path: ${projectDir}`);
    expect(project).toMatch(new RegExp(`web\\s+${web}\\s+conflict`));
    expect(project).toContain(`web ${why}`);
    // Without a recorded path there is no evidence of a conflict.
    const blog = portOf(await pm('allocate', 'blog', 'web'));
    const other = await holdListeners([{ host: '127.0.0.1', port: blog }]);
    held.push(other);
    expect((await pm('status')).stdout).toMatch(new RegExp(`blog\\s+web\\s+${blog}\\s+active`));
  });

  it('infers the project from the working directory when only the service is given', async () => {
    const { path } = await registry();
    const projectDir = tempDir();
    const inProject = (...args: string[]) =>
      runMain(['--registry', path, ...args], { cwd: join(projectDir, 'packages') });
    mkdirSync(join(projectDir, 'packages'));
    const web = portOf(
      await runMain(['--registry', path, 'allocate', 'shop', 'web', '--path', projectDir]),
    );
    const api = await inProject('allocate', 'api');
    expect(api.code).toBe(0);
    expect((await runMain(['--registry', path, 'query', 'shop', 'api'])).stdout).toBe(api.stdout);
    expect(JSON.parse((await inProject('allocate', 'web', '--json')).stdout)).toMatchObject({
      project: 'shop',
      port: web,
      created: false,
    });
    const elsewhere = await runMain(['--registry', path, 'allocate', 'api'], { cwd: tempDir() });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain('missing project');
  });

  it('searches upward from --prefer', async () => {
    const { pm } = await registry();
    // 21070 itself may be held by someone else; pm then goes on upward, never below.
    expect(portOf(await pm('allocate', 'shop', 'web', '--prefer', '21070'))).toBeGreaterThanOrEqual(
      21070,
    );
  });

  it('says the range is exhausted and how to widen it', async () => {
    const { pm, path } = await registry();
    await pm('config', '--range', '21090-21091');
    await pm('allocate', 'a', 'x');
    await pm('allocate', 'a', 'y');
    const before = sha(path);
    const result = await pm('allocate', 'a', 'z');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no free port in 21090-21091');
    expect(result.stderr).toContain('pm config --range');
    expect(sha(path)).toBe(before);
  });

  it.each([
    [['allocate'], /missing arguments/],
    [['allocate', 'web'], /missing project: .*declare it in a \.pm\.toml/s],
    [['allocate', 'shop', 'web', 'extra'], /unexpected argument 'extra'/],
    [['allocate', 'my shop', 'web'], /invalid project name/],
    [['allocate', 'shop', 'web', '--port', '0'], /1 to 65535/],
    [['allocate', 'shop', 'web', '--port', '70000'], /1 to 65535/],
    [['allocate', 'shop', 'web', '--port', 'abc'], /invalid --port 'abc'/],
    [
      ['allocate', 'shop', 'web', '--port', '21000', '--prefer', '21001'],
      /cannot be used together/,
    ],
    [['config', '--range', '3000-2000'], /START-END/],
    [['config', '--range', '3000-'], /START-END/],
    [['suggest', '--count', '0'], /--count/],
    [['free', 'shop'], /pm free shop --all/],
    [['status', '--port', '3000'], /--port does not apply/],
    [['launch'], /unknown command 'launch'/],
  ])('exits 2 for %j, leaving the registry untouched', async (args, message) => {
    const { pm, path } = await registry();
    const before = sha(path);
    const result = await pm(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(sha(path)).toBe(before);
  });

  it('exits 2 for an unknown flag', async () => {
    const { pm } = await registry();
    const result = await pm('allocate', 'shop', 'web', '--prot', '3000');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown flag/i);
  });

  it('puts errors in JSON on stderr under --json', async () => {
    const { pm } = await registry();
    const result = await pm('free', 'shop', 'web', '--json');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: 'shop/web is not allocated',
        hint: "'pm query shop' lists that project's services",
      },
    });
  });
});

describe('pm free, query, suggest, config', () => {
  it('frees a service, a project and a port owner', async () => {
    const { pm, path } = await registry();
    for (const service of ['web', 'api']) await pm('allocate', 'shop', service);
    const db = portOf(await pm('allocate', 'shop', 'db'));
    const blog = portOf(await pm('allocate', 'blog', 'web'));
    expect((await pm('free', 'shop', 'db')).stderr).toBe(`freed shop/db (port ${db})\n`);
    expect(JSON.parse((await pm('free', `:${blog}`, '--json')).stdout)).toEqual({
      freed: [{ project: 'blog', service: 'web', port: blog, listeners: [] }],
    });
    expect((await pm('free', 'shop', '--all')).code).toBe(0);
    expect(readFileSync(path, 'utf8')).not.toContain('[projects');
  });

  it('queries a service (bare port), a project and a port', async () => {
    const { pm } = await registry();
    const web = portOf(await pm('allocate', 'shop', 'web'));
    const api = portOf(await pm('allocate', 'shop', 'api'));
    expect((await pm('query', 'shop', 'web')).stdout).toBe(`${web}\n`);
    const project = (await pm('query', 'shop')).stdout.split('\n');
    expect(project[0]).toMatch(/^path: not recorded \(pm allocate shop <service> --path DIR/);
    expect(project.slice(1).join('\n')).toBe(
      `SERVICE   PORT  STATE\napi      ${api}  idle\nweb      ${web}  idle\n`,
    );
    expect(JSON.parse((await pm('query', 'shop', '--json')).stdout)).toMatchObject({
      project: 'shop',
      path: null,
      services: [
        { service: 'api', port: api, state: 'idle' },
        { service: 'web', port: web, state: 'idle' },
      ],
    });
    const listener = await holdListeners([{ host: '0.0.0.0', port: web }]);
    held.push(listener);
    const who = await pm('query', `:${web}`);
    expect(who.stdout).toContain(`port ${web}: shop/web (active)`);
    expect(who.stdout).toContain(`listening: tcp 0.0.0.0:${web} pid ${listener.pid} ${NODE}`);
    const json = JSON.parse((await pm('query', `:${web}`, '--json')).stdout);
    expect(json.owner).toEqual({ project: 'shop', service: 'web' });
    expect(json.listeners).toContainEqual(
      expect.objectContaining({
        port: web,
        pid: listener.pid,
        process: NODE,
        address: '0.0.0.0',
      }),
    );
    expect((await pm('query', 'shop', 'db')).code).toBe(1);
  });

  it('suggests free ports without reserving them', async () => {
    const { pm } = await registry();
    const web = portOf(await pm('allocate', 'shop', 'web'));
    const three = (await pm('suggest', '--count', '3')).stdout.trim().split('\n').map(Number);
    expect(three).toHaveLength(3);
    expect(three).not.toContain(web);
    expect([...three].sort((a, b) => a - b)).toEqual(three);
    // Not reserved: asking again suggests the same first port.
    expect(JSON.parse((await pm('suggest', '--json')).stdout)).toEqual({ ports: [three[0]] });
  });

  it('shows and changes the range and exclusions', async () => {
    const { pm, path } = await registry();
    await pm('config', '--exclude', '21000, 21001');
    const json = JSON.parse((await pm('config', '--json')).stdout);
    expect(json).toEqual({
      registry: path,
      range: { start: 21000, end: 21099 },
      exclude: [21000, 21001],
    });
    const web = portOf(await pm('allocate', 'shop', 'web'));
    expect(web).toBeGreaterThan(21001);
  });
});

describe('pm status and pm --once', () => {
  it('prints the table with state, pid, process and address', async () => {
    const { pm } = await registry();
    const web = portOf(await pm('allocate', 'shop', 'web'));
    const api = portOf(await pm('allocate', 'shop', 'api'));
    const listener = await holdListeners([{ host: '127.0.0.1', port: web }]);
    held.push(listener);
    for (const args of [['status'], ['--once'], []]) {
      const result = await pm(...args);
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^PROJECT\s+SERVICE\s+PORT\s+STATE\s+PID\s+PROCESS\s+ADDRESS$/);
      expect(lines[1]).toMatch(new RegExp(`^shop\\s+api\\s+${api}\\s+idle\\s+-\\s+-\\s+-$`));
      expect(lines[2]).toMatch(
        new RegExp(
          `^shop\\s+web\\s+${web}\\s+active\\s+${listener.pid}\\s+${NODE}\\s+127\\.0\\.0\\.1$`,
        ),
      );
      expect(result.stdout).not.toContain('\u001b['); // not a TTY: no colour, no cursor codes
    }
  });

  it('lists unmanaged listeners with --all and every listener in JSON', async () => {
    const { pm } = await registry();
    // Its own project name: `pm run` tests elsewhere start servers marked shop/web, which
    // would make this idle service read as moved if one listened in this range.
    // A port the OS picked, so nothing else can hold it; the range is moved around it.
    const listener = await holdListeners([{ host: '::1' }]);
    held.push(listener);
    const unmanaged = listener.ports[0] as number;
    await pm(
      'config',
      '--range',
      `${Math.max(1024, unmanaged - 20)}-${Math.min(65535, unmanaged + 20)}`,
    );
    const web = portOf(await pm('allocate', 'solo', 'web'));
    const text = await pm('status', '--all');
    expect(text.stdout).toMatch(
      new RegExp(
        `${unmanaged}\\s+unmanaged\\s+${listener.pid}\\s+${NODE.replace('.', '\\.')}\\s+::1`,
      ),
    );
    const json = JSON.parse((await pm('status', '--all', '--json')).stdout);
    expect(json.allocations).toEqual([
      {
        project: 'solo',
        service: 'web',
        port: web,
        state: 'idle',
        worktree: null,
        moved_to: null,
        held_by: null,
        pid: null,
        process: null,
        program: null,
        command: null,
        address: null,
        container: null,
        listeners: [],
        // No pm proxy runs: no names (test/e2e/proxy.test.ts has them).
        proxy_url: null,
        proxy_https_url: null,
      },
    ]);
    // Other processes may listen in the range too: look for this test's own listener.
    expect(json.unmanaged).toContainEqual({
      port: unmanaged,
      listeners: [expect.objectContaining({ pid: listener.pid, address: '::1', family: 'ipv6' })],
    });
    expect(json.listeners).toContainEqual(
      expect.objectContaining({
        protocol: 'tcp',
        port: unmanaged,
        pid: listener.pid,
        process: NODE,
      }),
    );
    expect(json.scanner.available).toBe(true);
  });

  it('shows state unknown with a reason when the scanner is off', async () => {
    const { path } = await registry();
    const web = portOf(
      await runMain(['--registry', path, 'allocate', 'shop', 'web'], {
        env: { PM_SCANNER: 'none' },
      }),
    );
    const result = await runMain(['--registry', path, 'status'], { env: { PM_SCANNER: 'none' } });
    expect(result.stdout).toMatch(new RegExp(`shop\\s+web\\s+${web}\\s+unknown`));
    expect(result.stderr).toContain('live state unknown: scanning is turned off');
  });

  it('refuses a corrupt registry with the location, without changing it', async () => {
    const { pm, path } = await registry();
    writeFileSync(path, 'version = 1\n[projects.shop.ports]\nweb = 21000\nweb = 21001\n');
    const before = sha(path);
    for (const args of [['status'], ['allocate', 'shop', 'api'], ['free', 'shop', 'web']]) {
      const result = await pm(...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${path}:4:1 is invalid`);
      expect(result.stderr).toContain('pm doctor');
      expect(sha(path)).toBe(before);
    }
  });

  it('uses PM_REGISTRY when --registry is absent', async () => {
    const path = join(tempDir(), 'env.toml');
    await runMain(['allocate', 'shop', 'web'], { env: { PM_REGISTRY: path } });
    expect(existsSync(path)).toBe(true);
  });
});

describe('pm doctor', () => {
  it('reports a healthy registry and exits 0', async () => {
    const { pm } = await registry();
    await pm('allocate', 'shop', 'web');
    const result = await pm('doctor');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok\s+registry\s+.*parses \(1 allocation/);
    expect(result.stdout).toMatch(new RegExp(`ok\\s+scanner\\s+${process.platform}-`));
  });

  it('explains a corrupt registry, exits 1, and restores the backup', async () => {
    const { pm, path } = await registry();
    const web = portOf(await pm('allocate', 'shop', 'web'));
    await pm('allocate', 'shop', 'api');
    writeFileSync(path, 'version = 1\n[projects.shop.ports\n');
    const doctor = await pm('doctor');
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL\s+registry/);
    expect(doctor.stdout).toContain('pm doctor --restore');
    const restore = await pm('doctor', '--restore');
    expect(restore.code).toBe(0);
    expect(restore.stderr).toMatch(/kept as .*registry\.toml\.corrupt-/);
    expect((await pm('query', 'shop', 'web')).stdout).toBe(`${web}\n`);
  });
});
