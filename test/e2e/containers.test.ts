// Containers on a real engine (dockerd; .ci/run starts one): a container publishing a port
// pm handed out shows as that container, and pm kill stops it through the engine without
// signalling the forwarder. The image is made offline from busybox-static (never pulled).
// Only the engine's socket and pm's scan are used: nothing connects to a published port.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killPort } from '../../src/core/actions/kill.js';
import type { KillSignal } from '../../src/core/model/kill.js';
import { createContainerDirectory } from '../../src/os/shared/container-engine.js';
import { createDeps } from '../../src/wiring.js';
import { CLI, runPm } from '../helpers/cli.js';

const run = promisify(execFile);
const IMAGE = 'pm-test-busybox';
const BUSYBOX = '/bin/busybox';
const engineSettings = {
  ...(process.env.DOCKER_HOST ? { host: process.env.DOCKER_HOST } : {}),
  ...(process.env.XDG_RUNTIME_DIR ? { runtimeDir: process.env.XDG_RUNTIME_DIR } : {}),
};
const engine = await createContainerDirectory({ ...engineSettings, timeoutMs: 5000 }).info();
const docker = await run('docker', ['--version']).then(
  () => true,
  () => false,
);
const skipReason = !engine.ok
  ? `no container engine reachable: ${engine.problem.message}`
  : !docker
    ? 'the docker CLI is not installed'
    : !existsSync(BUSYBOX)
      ? `${BUSYBOX} (busybox-static) is missing`
      : undefined;
if (skipReason !== undefined && process.env.PM_TEST_DOCKER === 'required') {
  throw new Error(`PM_TEST_DOCKER=required, but ${skipReason}`);
}

const suffix = randomBytes(4).toString('hex');
const created: string[] = [];
// One directory for the whole file: the registry and the image root outlive single tests.
let workDir = '';
const tempDir = () => mkdtempSync(join(workDir, 'd-'));

async function dockerCli(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, {
    env: { ...process.env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}

/** The test image: busybox-static alone in an empty root, imported (no registry reached). */
async function ensureImage(): Promise<void> {
  if (
    await dockerCli('image', 'inspect', IMAGE).then(
      () => true,
      () => false,
    )
  )
    return;
  const root = tempDir();
  mkdirSync(join(root, 'bin'));
  copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
  await run('sh', ['-c', `tar -C "$1" -c . | docker import - ${IMAGE}`, 'sh', root]);
}

interface Published {
  readonly name: string;
  readonly id: string;
  readonly port: number;
}

/**
 * Runs busybox httpd publishing a port pm suggests on 127.0.0.1. Another suite may bind
 * that port in between: then the engine says so, and a new suggestion is taken.
 */
async function publish(
  registry: string,
  role: string,
  labels: Record<string, string> = {},
): Promise<Published> {
  const name = `pm-test-${suffix}-${role}`;
  for (let attempt = 0; ; attempt++) {
    const suggested = await runPm(['suggest', '--registry', registry]);
    const port = Number(suggested.stdout.trim());
    expect(suggested.code, suggested.stderr).toBe(0);
    created.push(name);
    const labelArgs = Object.entries(labels).flatMap(([key, value]) => [
      '--label',
      `${key}=${value}`,
    ]);
    try {
      const id = await dockerCli(
        'run',
        '-d',
        '--name',
        name,
        '-p',
        `127.0.0.1:${port}:80`,
        ...labelArgs,
        IMAGE,
        '/bin/busybox',
        'httpd',
        '-f',
        '-p',
        '80',
        '-h',
        '/',
      );
      return { name, id, port };
    } catch (error) {
      await dockerCli('rm', '-f', name).catch(() => '');
      if (attempt >= 3 || !String(error).includes('already')) throw error;
    }
  }
}

const env = () => ({
  ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
});

async function statusJson(registry: string, extra: Record<string, string> = {}) {
  const result = await runPm(['status', '--all', '--json', '--registry', registry], {
    ...env(),
    ...extra,
  });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as {
    allocations: {
      service: string;
      port: number;
      pid: number | null;
      process: string | null;
      container: Record<string, unknown> | null;
      listeners: { pid: number | null; container: Record<string, unknown> | null }[];
    }[];
    listeners: { port: number; pid: number | null; process: string | null; container: unknown }[];
  };
}

const NOBODY = 65534;

/**
 * Runs the built pm as the unprivileged user `nobody` (setpriv, from root), in a directory of
 * its own: the engine's root forwarder then has a hidden pid, as it has for every user.
 * `engineGroup`: with the socket's group (a member of the docker group), else without any.
 */
let nobodyDir = '';
/** The pinned Node may live under root's private home: nobody gets a copy, made once. */
function nobodyNode(): string {
  if (nobodyDir === '') {
    nobodyDir = mkdtempSync(join(tmpdir(), 'pm-containers-node-'));
    chmodSync(nobodyDir, 0o755);
    copyFileSync(process.execPath, join(nobodyDir, 'node'));
    chmodSync(join(nobodyDir, 'node'), 0o755);
  }
  return join(nobodyDir, 'node');
}

async function asNobody(registryText: string, args: string[], engineGroup: boolean) {
  const home = mkdtempSync(join(tmpdir(), 'pm-containers-nobody-'));
  try {
    const node = nobodyNode();
    writeFileSync(join(home, 'registry.toml'), registryText);
    for (const path of [home, join(home, 'registry.toml')]) chownSync(path, NOBODY, NOBODY);
    const socketGid = statSync(engine.ok ? engine.endpoint : '/').gid;
    const group = engineGroup ? socketGid : NOBODY;
    const { stdout, stderr } = await run(
      'setpriv',
      [
        `--reuid=${NOBODY}`,
        `--regid=${group}`,
        '--clear-groups',
        node,
        CLI,
        ...args,
        '--registry',
        join(home, 'registry.toml'),
      ],
      { env: { PATH: process.env.PATH, HOME: home, PM_CACHE_DIR: join(home, 'cache'), ...env() } },
    ).catch((error: { stdout: string; stderr: string; code: number }) => {
      throw new Error(`pm ${args.join(' ')} as nobody exited ${error.code}: ${error.stderr}`);
    });
    return { stdout, stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const canBeNobody = async () =>
  process.getuid?.() === 0 &&
  engine.ok &&
  (await run('setpriv', ['--version']).then(
    () => true,
    () => false,
  ));

const state = (name: string) => dockerCli('inspect', '-f', '{{.State.Status}}', name);

describe.skipIf(skipReason !== undefined)(
  `containers on a real engine${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let registry = '';
    let web: Published;
    let db: Published;

    beforeAll(async () => {
      workDir = mkdtempSync(join(tmpdir(), 'pm-containers-'));
      await ensureImage();
      registry = join(tempDir(), 'registry.toml');
      web = await publish(registry, 'web');
      const allocated = await runPm([
        'allocate',
        'shop',
        'web',
        '--port',
        String(web.port),
        '--force',
        '--registry',
        registry,
      ]);
      expect(allocated.code, allocated.stderr).toBe(0);
      db = await publish(registry, 'db', {
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': 'db',
      });
    }, 120_000);

    afterAll(async () => {
      if (created.length > 0) await dockerCli('rm', '-f', ...new Set(created)).catch(() => '');
      if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
      if (nobodyDir !== '') rmSync(nobodyDir, { recursive: true, force: true });
    }, 60_000);

    it('pm status --all --json names the container, and the allocation holding its port shows it', async () => {
      const status = await statusJson(registry);
      const row = status.allocations.find((allocation) => allocation.service === 'web');
      expect(row?.port).toBe(web.port);
      expect(row?.container).toMatchObject({
        id: web.id,
        name: web.name,
        image: IMAGE,
        compose_project: null,
      });
      expect(row?.listeners[0]?.container).toMatchObject({ id: web.id, private_port: 80 });
      const listener = status.listeners.find((candidate) => candidate.port === db.port);
      expect(listener?.container).toMatchObject({
        id: db.id,
        name: db.name,
        compose_project: 'shop',
        compose_service: 'db',
      });
      // The table names the container, never the forwarder.
      const table = await runPm(['status', '--all', '--registry', registry], env());
      const line = table.stdout.split('\n').find((text) => text.includes(String(web.port)));
      expect(line).toContain(`container ${web.name} (${IMAGE})`);
      expect(line).not.toContain('docker-proxy');
    });

    it('pm query :PORT names the container, its compose project/service and the mapping', async () => {
      const text = await runPm(['query', `:${db.port}`, '--registry', registry], env());
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain(
        `listening: tcp 127.0.0.1:${db.port} container ${db.name} (${IMAGE}) id ${db.id.slice(0, 12)}, compose shop/db, port 80 inside`,
      );
      const json = JSON.parse(
        (await runPm(['query', `:${db.port}`, '--json', '--registry', registry], env())).stdout,
      );
      expect(json.listeners[0].container).toMatchObject({ id: db.id, compose_service: 'db' });
    });

    it('pm kill --dry-run says which container would be stopped, and stops nothing', async () => {
      const dry = await runPm(['kill', `:${web.port}`, '--dry-run', '--registry', registry], env());
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain(
        `would stop container ${web.name} (${IMAGE}) (id ${web.id.slice(0, 12)}) through its engine`,
      );
      expect(await state(web.name)).toBe('running');
    });

    it('with no engine reachable rows stay as before, doctor says so, and kill refuses: the forwarder is untouched', async () => {
      const noEngine = { DOCKER_HOST: `unix://${join(tempDir(), 'no-engine.sock')}` };
      const before = await statusJson(registry);
      const holder = before.listeners.find((listener) => listener.port === web.port);
      const status = await statusJson(registry, noEngine);
      const row = status.allocations.find((allocation) => allocation.service === 'web');
      expect(row?.container).toBeNull();
      expect(row?.pid).toBe(holder?.pid ?? null);
      const doctor = await runPm(['doctor', '--registry', registry], noEngine);
      expect(doctor.stdout).toMatch(/ok {3}containers no container engine found/);
      const killed = await runPm(['kill', `:${web.port}`, '--registry', registry], noEngine);
      expect(killed.code).toBe(1);
      if (holder?.process === 'docker-proxy') {
        expect(killed.stderr).toContain("a container engine's port forwarder");
      }
      // Still running, its forwarder the same process on the same port.
      expect(await state(web.name)).toBe('running');
      const after = await statusJson(registry);
      expect(after.listeners.find((listener) => listener.port === web.port)?.pid).toBe(holder?.pid);
    });

    it('as a user who cannot see the forwarder’s pid, the container is still named; without the engine’s group, rows as before and doctor says denied', async (context) => {
      if (!(await canBeNobody())) {
        context.skip('needs root (to run pm as nobody through setpriv) and a socket engine');
        return;
      }
      const text = readFileSync(registry, 'utf8');
      const member = JSON.parse((await asNobody(text, ['status', '--all', '--json'], true)).stdout);
      const row = member.allocations.find(
        (allocation: { service: string }) => allocation.service === 'web',
      );
      expect(row.pid).toBeNull();
      expect(row.container).toMatchObject({ id: web.id, name: web.name });
      const outsider = await asNobody(text, ['status', '--all', '--json'], false);
      expect(outsider.stderr).toBe('');
      const plain = JSON.parse(outsider.stdout).allocations.find(
        (allocation: { service: string }) => allocation.service === 'web',
      );
      expect(plain).toMatchObject({ state: 'active', pid: null, container: null });
      const doctor = await asNobody(text, ['doctor'], false);
      expect(doctor.stdout).toMatch(
        /ok {3}containers container engine denied: permission denied on /,
      );
    });

    it('pm doctor reports the engine and its API version', async () => {
      const doctor = await runPm(['doctor', '--json', '--registry', registry], env());
      const report = JSON.parse(doctor.stdout);
      expect(report.engine).toMatchObject({
        state: 'found',
        api_version: engine.ok ? engine.apiVersion : '',
      });
      const text = await runPm(['doctor', '--registry', registry], env());
      expect(text.stdout).toMatch(/ok {3}containers (Docker|Podman) \S+ \(API \d+\.\d+\) at /);
    });

    it('pm kill :PORT stops the container through the engine: docker reports it exited', async () => {
      const killed = await runPm(
        ['kill', `:${web.port}`, '--timeout', '1', '--json', '--registry', registry],
        env(),
      );
      expect(killed.code, killed.stderr).toBe(0);
      const result = JSON.parse(killed.stdout);
      expect(result).toMatchObject({ port: web.port, freed: true, signals: [], processes: [] });
      expect(result.containers[0]).toMatchObject({ id: web.id, name: web.name });
      expect(await state(web.name)).toBe('exited');
    });

    it('stopping a container never signals its forwarder (the real kill path, its signals watched)', async () => {
      const deps = createDeps({ registryPath: registry, containerEngine: engineSettings });
      const control = deps.control;
      if (!control) throw new Error('no process control here');
      const signalled: [number, KillSignal][] = [];
      const watched = {
        ...control,
        self: control.self,
        startTime: control.startTime.bind(control),
        parentPid: control.parentPid.bind(control),
        uidOf: control.uidOf.bind(control),
        signal: async (pid: number, signal: KillSignal) => {
          signalled.push([pid, signal]);
          return control.signal(pid, signal);
        },
      };
      const result = await killPort(
        {
          scanner: deps.scanner,
          control: watched,
          ...(deps.containers ? { containers: deps.containers } : {}),
        },
        db.port,
        { timeoutMs: 1000 },
      );
      expect(result.containers.map((target) => target.container.id)).toEqual([db.id]);
      expect(result.freed).toBe(true);
      expect(signalled).toEqual([]);
      expect(await state(db.name)).toBe('exited');
    });
  },
);
