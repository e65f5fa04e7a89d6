// The engine API client against a real unix-socket server of the test's own, serving replies
// recorded from (or written after) real engines: Docker 20.10, an old API 1.17, Podman, a
// hung socket that accepts and never answers, and error statuses.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  classify,
  createContainerDirectory,
  findEndpoint,
} from '../../src/os/shared/container-engine.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'containers');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

const tempDir = tempDirPerTest('pm-engine-');
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

interface Served {
  readonly socketPath: string;
  readonly requests: string[];
  connections: number;
}

/** An engine on a unix socket in a temp dir: `reply` answers each request. */
async function engine(reply: (req: IncomingMessage, res: ServerResponse) => void): Promise<Served> {
  const socketPath = join(tempDir(), 'engine.sock');
  const served: Served = { socketPath, requests: [], connections: 0 };
  const server = createServer((req, res) => {
    served.requests.push(`${req.method} ${req.url}`);
    reply(req, res);
  });
  server.on('connection', () => served.connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return served;
}

function json(res: ServerResponse, body: string, status = 200) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** Serves recorded replies by path, as that engine would. */
function recorded(containers: string, version: string) {
  return engine((req, res) => {
    if (req.url === '/containers/json') json(res, fixture(containers));
    else if (req.url === '/version') json(res, fixture(version));
    else json(res, '{"message":"page not found"}', 404);
  });
}

const host = (served: Served) => `unix://${served.socketPath}`;

describe('container engine client', () => {
  it('reads a recorded Docker 20.10 listing: name without the slash, image, compose labels, mapping', async () => {
    const served = await recorded('docker-20.10-containers.json', 'docker-20.10-version.json');
    const listing = await createContainerDirectory({ host: host(served) }).list();
    expect(listing).toEqual({
      ok: true,
      containers: [
        {
          id: '07a1b44e2a02b75b97a0c3cdbb26547deb3f14195c1a53cc786cd5c8cfbeebc7',
          name: 'pmt-x1',
          image: 'pm-test-busybox',
          composeProject: 'shop',
          composeService: 'db',
          ports: [{ ip: '127.0.0.1', privatePort: 80, publicPort: 28991, protocol: 'tcp' }],
        },
      ],
    });
    // Unversioned: the engine answers in its own API version, old or new.
    expect(served.requests).toEqual(['GET /containers/json']);
  });

  it('reads an old engine (API 1.17): no Labels, an exposed port that is not published, UDP', async () => {
    const served = await recorded('docker-1.17-containers.json', 'docker-1.17-version.json');
    const listing = await createContainerDirectory({ host: host(served) }).list();
    expect(listing).toEqual({
      ok: true,
      containers: [
        {
          id: '8dfafdbc3a40a3f1e2b6c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9',
          name: 'boring_feynman',
          image: 'ubuntu:14.04',
          ports: [{ ip: '0.0.0.0', privatePort: 5432, publicPort: 15432, protocol: 'tcp' }],
        },
        {
          id: '9cd87474be90b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7',
          name: 'coolName',
          image: 'redis:2.8',
          ports: [{ ip: '127.0.0.1', privatePort: 53, publicPort: 10053, protocol: 'udp' }],
        },
      ],
    });
  });

  it("names the engine and its API version: Docker 20.10, an old Docker, Podman's compatible API", async () => {
    const current = await recorded('docker-20.10-containers.json', 'docker-20.10-version.json');
    expect(await createContainerDirectory({ host: host(current) }).info()).toEqual({
      ok: true,
      endpoint: current.socketPath,
      engine: 'Docker',
      version: '20.10.24+dfsg1',
      apiVersion: '1.41',
    });
    const old = await recorded('docker-1.17-containers.json', 'docker-1.17-version.json');
    expect(await createContainerDirectory({ host: host(old) }).info()).toMatchObject({
      engine: 'Docker',
      version: '1.5.0',
      apiVersion: '1.17',
    });
    const podman = await recorded('docker-20.10-containers.json', 'podman-4.3-version.json');
    expect(await createContainerDirectory({ host: host(podman) }).info()).toMatchObject({
      engine: 'Podman',
      version: '4.3.1',
      apiVersion: '1.41',
    });
  });

  it('answers "timeout" from a hung socket within the bound, closes it, and does not ask again at once', async () => {
    const socketPath = join(tempDir(), 'hung.sock');
    let connections = 0;
    let closed = 0;
    // Accepts, reads, never answers: a hung engine.
    const server = createNetServer((socket) => {
      connections++;
      socket.resume();
      socket.on('close', () => closed++);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    let clock = 0;
    const directory = createContainerDirectory({
      host: `unix://${socketPath}`,
      timeoutMs: 200,
      retryAfterMs: 30_000,
      now: () => clock,
    });
    const listing = await directory.list();
    expect(listing).toMatchObject({
      ok: false,
      problem: { kind: 'timeout', endpoint: socketPath },
    });
    await expect.poll(() => closed).toBe(1);
    // Within the retry period the failure is the answer: no second wait on the hung engine.
    clock += 5_000;
    expect(await directory.list()).toMatchObject({ ok: false, problem: { kind: 'timeout' } });
    expect(connections).toBe(1);
    clock += 30_000;
    expect(await directory.list()).toMatchObject({ ok: false, problem: { kind: 'timeout' } });
    expect(connections).toBe(2);
    expect(await directory.info()).toMatchObject({ ok: false, problem: { kind: 'timeout' } });
  });

  it('asks once per refresh: a listing is reused while fresh, then asked again', async () => {
    const served = await recorded('docker-20.10-containers.json', 'docker-20.10-version.json');
    let clock = 0;
    const directory = createContainerDirectory({
      host: host(served),
      reuseMs: 500,
      now: () => clock,
    });
    await Promise.all([directory.list(), directory.list()]);
    clock += 100;
    await directory.list();
    expect(served.requests).toEqual(['GET /containers/json']);
    clock += 1000;
    await directory.list();
    expect(served.requests).toEqual(['GET /containers/json', 'GET /containers/json']);
  });

  it('an engine error status is an answer naming it, not a throw', async () => {
    const served = await engine((_req, res) =>
      json(res, '{"message":"daemon is shutting down"}', 500),
    );
    expect(await createContainerDirectory({ host: host(served) }).list()).toEqual({
      ok: false,
      problem: {
        kind: 'unreachable',
        endpoint: served.socketPath,
        message: `the engine at ${served.socketPath} refused the container list: daemon is shutting down`,
      },
    });
    const garbage = await engine((_req, res) => json(res, '<html>'));
    expect(await createContainerDirectory({ host: host(garbage) }).list()).toMatchObject({
      ok: false,
      problem: { kind: 'unreachable' },
    });
  });

  it('stops a container with the timeout in whole seconds, and tells stopped, already stopped and gone apart', async () => {
    const answers = [204, 304, 404, 500];
    const served = await engine((_req, res) => {
      const status = answers.shift() ?? 500;
      if (status === 500) json(res, '{"message":"cannot stop container: permission denied"}', 500);
      else {
        res.writeHead(status);
        res.end();
      }
    });
    const directory = createContainerDirectory({ host: host(served) });
    expect(await directory.stop('abc123', 2)).toBe('stopped');
    expect(await directory.stop('abc123', 0.5)).toBe('already-stopped');
    expect(await directory.stop('abc123', 5)).toBe('gone');
    await expect(directory.stop('abc123', 5)).rejects.toThrow(
      'the engine refused to stop abc123: cannot stop container: permission denied',
    );
    expect(served.requests).toEqual([
      'POST /containers/abc123/stop?t=2',
      'POST /containers/abc123/stop?t=1',
      'POST /containers/abc123/stop?t=5',
      'POST /containers/abc123/stop?t=5',
    ]);
  });

  it('no socket: "none" from the usual places, and from a DOCKER_HOST socket that is not there', async () => {
    expect(findEndpoint({ runtimeDir: '/run/user/1000' }, () => false)).toEqual({
      ok: false,
      problem: {
        kind: 'none',
        message:
          'no engine socket at /var/run/docker.sock, /run/user/1000/podman/podman.sock, /run/podman/podman.sock',
      },
    });
    const missing = join(tempDir(), 'missing.sock');
    const listing = await createContainerDirectory({ host: `unix://${missing}` }).list();
    expect(listing).toMatchObject({ ok: false, problem: { kind: 'none' } });
  });

  it('looks in the order Docker, rootless Podman, rootful Podman; DOCKER_HOST alone when set', () => {
    const seen: string[] = [];
    const exists = (path: string) => {
      seen.push(path);
      return path.includes('podman');
    };
    expect(findEndpoint({ runtimeDir: '/run/user/1000' }, exists)).toEqual({
      ok: true,
      socketPath: '/run/user/1000/podman/podman.sock',
    });
    expect(seen).toEqual(['/var/run/docker.sock', '/run/user/1000/podman/podman.sock']);
    expect(findEndpoint({ host: 'unix:///run/user/1000/docker.sock' }, () => false)).toEqual({
      ok: true,
      socketPath: '/run/user/1000/docker.sock',
    });
    expect(findEndpoint({ host: 'tcp://127.0.0.1:2375' })).toMatchObject({
      ok: false,
      problem: { kind: 'unsupported', endpoint: 'tcp://127.0.0.1:2375' },
    });
  });

  it('words permission denied and refused connections', () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    expect(classify(error('EACCES'), '/var/run/docker.sock')).toEqual([
      'denied',
      "permission denied on /var/run/docker.sock (join the engine's group, e.g. docker, or use a rootless engine)",
    ]);
    expect(classify(error('ECONNREFUSED'), '/s')[0]).toBe('unreachable');
  });
});
