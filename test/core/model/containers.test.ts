// Which sockets are a container's, when the engine is asked, and what pm kill does with a
// container's port: over an injected scan, engine listing and process table (no real process
// or engine here; test/e2e/containers.test.ts drives a real dockerd).
import { describe, expect, it } from 'vitest';
import { scannerWithContainers } from '../../../src/core/actions/containers.js';
import { killPort, planPortKill } from '../../../src/core/actions/kill.js';
import {
  attachContainers,
  containerOf,
  holderLabel,
  isForwarder,
} from '../../../src/core/model/containers.js';
import { statusRows } from '../../../src/core/model/status.js';
import type {
  ContainerDirectory,
  ContainerListing,
  EngineContainer,
  Listener,
  StopOutcome,
} from '../../../src/core/ports.js';
import { parseRegistry } from '../../../src/core/store/registry-file.js';
import { rowCells } from '../../../src/view/cells.js';
import { detailLines } from '../../../src/view/detail.js';
import { dryRunMessage, killMessage } from '../../../src/view/kill.js';
import { failure } from '../../helpers/errors.js';
import { fakeControl, fakeScanner, tcp } from '../../helpers/fakes.js';

const WEB: EngineContainer = {
  id: 'a1b2c3d4e5f6a7b8c9d0',
  name: 'web-1',
  image: 'postgres:16',
  composeProject: 'shop',
  composeService: 'db',
  ports: [
    { ip: '127.0.0.1', privatePort: 5432, publicPort: 5433, protocol: 'tcp' },
    { ip: '0.0.0.0', privatePort: 53, publicPort: 5353, protocol: 'udp' },
  ],
};
const CACHE: EngineContainer = {
  id: 'ffee00112233445566',
  name: 'cache',
  image: 'redis:7',
  ports: [{ privatePort: 6379, publicPort: 6380, protocol: 'tcp' }],
};

const proxy = (port: number, pid = 900, address = '127.0.0.1') =>
  tcp(port, pid, 'docker-proxy', address);

function directory(containers: EngineContainer[] | ContainerListing) {
  const listing: ContainerListing = Array.isArray(containers)
    ? { ok: true, containers }
    : containers;
  const stopped: [string, number][] = [];
  let lists = 0;
  const stopAnswer: { value: StopOutcome | Error } = { value: 'stopped' };
  const engine: ContainerDirectory & {
    stopped: typeof stopped;
    readonly lists: number;
    stopAnswer: typeof stopAnswer;
  } = {
    stopped,
    stopAnswer,
    get lists() {
      return lists;
    },
    list: async () => {
      lists++;
      return listing;
    },
    info: async () => ({ ok: false, problem: { kind: 'none', message: 'none' } }),
    stop: async (id, seconds) => {
      stopped.push([id, seconds]);
      if (stopAnswer.value instanceof Error) throw stopAnswer.value;
      return stopAnswer.value;
    },
  };
  return engine;
}

describe('container forwarders and matching', () => {
  it('knows the engines’ forwarders, also as Linux cuts and Windows names them', () => {
    for (const name of ['docker-proxy', 'rootlessport', 'pasta', 'slirp4netns', 'rootlesskit']) {
      expect(isForwarder(name)).toBe(true);
    }
    expect(isForwarder('com.docker.back')).toBe(true);
    expect(isForwarder('com.docker.backend.exe')).toBe(true);
    for (const name of ['node', 'postgres', 'docker', 'dockerd', 'past', undefined]) {
      expect(isForwarder(name)).toBe(false);
    }
  });

  it('matches the mapping on port and protocol: its address, else a wildcard, else the only publisher', () => {
    expect(containerOf(proxy(5433), [WEB, CACHE])).toMatchObject({
      name: 'web-1',
      privatePort: 5432,
    });
    // A TCP socket on the port a container publishes for UDP is not that container's.
    expect(containerOf(proxy(5353), [WEB])).toBeUndefined();
    expect(containerOf({ ...proxy(5353), protocol: 'udp' }, [WEB])).toMatchObject({
      name: 'web-1',
    });
    // No IP in the mapping (an old engine) means every address.
    expect(containerOf(proxy(6380, 901, '::'), [WEB, CACHE])).toMatchObject({ name: 'cache' });
    const other: EngineContainer = {
      ...CACHE,
      id: 'other',
      name: 'other',
      ports: [{ ip: '127.0.0.2', privatePort: 6379, publicPort: 6380, protocol: 'tcp' }],
    };
    const lone: EngineContainer = {
      ...other,
      id: 'lone',
      name: 'lone',
      ports: [{ ...other.ports[0]!, ip: '127.0.0.3' }],
    };
    expect(containerOf(proxy(6380, 901, '127.0.0.2'), [other, lone])).toMatchObject({
      name: 'other',
    });
    // Two containers on other addresses of the port: no guess.
    expect(containerOf(proxy(6380, 901, '10.0.0.1'), [other, lone])).toBeUndefined();
  });

  it('leaves a visible non-forwarder alone; a hidden pid only where the owner was looked up', () => {
    const node = tcp(5433, 42, 'node');
    const hidden = tcp(5433);
    expect(attachContainers([node], [WEB], () => true)).toEqual([node]);
    expect(attachContainers([hidden], [WEB], () => false)).toEqual([hidden]);
    expect(attachContainers([hidden], [WEB], () => true)[0]?.container?.name).toBe('web-1');
  });

  it('names the container, never the forwarder', () => {
    const [listener] = attachContainers([proxy(5433)], [WEB], () => true) as [Listener];
    expect(holderLabel(listener)).toBe('container web-1 (postgres:16)');
    expect(holderLabel(tcp(1, 2, 'node'))).toBe('node');
  });
});

describe('foreign text from the engine', () => {
  it('is escaped before a terminal (compose labels and images are anyone’s text), exact in JSON', async () => {
    const evil: EngineContainer = {
      ...WEB,
      image: 'img\u001b]0;PWNED\u0007',
      composeProject: 'shop\u001b[2J',
    };
    const scan = await scannerWithContainers(fakeScanner([proxy(5433)]), directory([evil])).scan();
    const listeners = scan.ok ? scan.listeners : [];
    const registry = parseRegistry('version = 1\n[projects.shop.ports]\ndb = 5433\n', 'r.toml');
    const [row] = statusRows(registry, { ok: true, listeners });
    const text = [
      rowCells(row!).PROCESS,
      ...detailLines({ row: row!, process: { kind: 'none' }, now: 0 }).map((line) => line.text),
    ].join('\n');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('img\\x1b]0;PWNED\\x07');
    expect(text).toContain('shop\\x1b[2J');
    expect(listeners[0]?.container?.image).toBe(evil.image);
  });
});

describe('the scan with containers', () => {
  it('asks the engine only when a forwarder (or a hidden owner) is in the scan, once per scan', async () => {
    const engine = directory([WEB]);
    const scanner = fakeScanner([tcp(3000, 42, 'node')]);
    const scan = scannerWithContainers(scanner, engine);
    await scan.scan();
    expect(engine.lists).toBe(0);
    scanner.set([tcp(3000, 42, 'node'), proxy(5433), proxy(5433, 901, '::1')]);
    const outcome = await scan.scan();
    expect(engine.lists).toBe(1);
    expect(outcome.ok && outcome.listeners.map((l) => l.container?.name)).toEqual([
      undefined,
      'web-1',
      'web-1',
    ]);
    // A hidden owner on a port whose owner was not looked up is not a reason to ask.
    scanner.set([tcp(8080)]);
    await scan.scan({ attribute: () => false });
    expect(engine.lists).toBe(1);
  });

  it('a missing or hung engine leaves the scan exactly as the OS reported it', async () => {
    const listeners = [proxy(5433)];
    const engine = directory({ ok: false, problem: { kind: 'timeout', message: 'hung' } });
    const outcome = await scannerWithContainers(fakeScanner(listeners), engine).scan();
    expect(outcome).toEqual({ ok: true, listeners });
  });

  it('rows show the container: PROCESS, no forwarder pid, no conflict from the forwarder’s cwd', async () => {
    const registry = parseRegistry(
      'version = 1\n[projects.shop]\npath = "/home/ana/shop"\n[projects.shop.ports]\ndb = 5433\n',
      'r.toml',
    );
    const scan = await scannerWithContainers(fakeScanner([proxy(5433)]), directory([WEB])).scan();
    const [row] = statusRows(registry, scan, { cwdOf: () => '/' });
    expect(row?.state).toBe('active');
    expect(rowCells(row!)).toMatchObject({ PID: '-', PROCESS: 'container web-1 (postgres:16)' });
    const text = detailLines({ row: row!, process: { kind: 'none' }, now: 0 })
      .map((line) => `${line.label}: ${line.text}`)
      .join('\n');
    expect(text).toContain('container: web-1 (id a1b2c3d4e5f6)');
    expect(text).toContain('image: postgres:16');
    expect(text).toContain('compose: project shop, service db');
    expect(text).toContain('published: tcp 127.0.0.1:5433 -> 5432 in the container');
    expect(text).toContain('docker-proxy (pid 900)');
    expect(text).not.toContain('nothing listens');
  });
});

const SELF = { pid: 500, uid: 0 };
const TABLE = {
  500: { startTime: 3, uid: 0, ppid: 1 },
  700: { startTime: 7, uid: 0, ppid: 1 },
  900: { startTime: 9, uid: 0, ppid: 1 },
};

/** Time that passes only when pm waits: the kill's release polling without real sleeps. */
function fakeClock() {
  let clock = 0;
  return {
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
  };
}

function world(listeners: Listener[], engine = directory([WEB])) {
  const raw = fakeScanner(listeners);
  const control = fakeControl(SELF, TABLE as never);
  const originalStop = engine.stop;
  // The engine stopping the container ends its forwarder: the port is released.
  engine.stop = async (id, seconds) => {
    const answer = await originalStop(id, seconds);
    raw.set([]);
    return answer;
  };
  const deps = {
    scanner: scannerWithContainers(raw, engine),
    control,
    containers: engine,
    ...fakeClock(),
  };
  return { deps, control, engine };
}

describe('pm kill on a container’s port', () => {
  it('stops the container through the engine with the timeout, and never signals the forwarder', async () => {
    const { deps, control, engine } = world([proxy(5433), proxy(5433, 901, '::1')]);
    const result = await killPort(deps, 5433, { timeoutMs: 3000 });
    expect(engine.stopped).toEqual([[WEB.id, 3]]);
    expect(control.sent).toEqual([]);
    expect(result).toMatchObject({ freed: true, sent: [], targets: [] });
    expect(killMessage(result)).toBe(
      'stopped container web-1 (postgres:16) through its engine; port 5433 is free',
    );
  });

  it('plans without stopping (dry run), for a container and for a process', async () => {
    const { deps, control, engine } = world([proxy(5433), tcp(5433, 700, 'node', '::1')]);
    const plan = await planPortKill(deps, 5433);
    expect(plan.containers.map((c) => c.label)).toEqual(['container web-1 (postgres:16)']);
    expect(plan.targets.map((t) => t.pid)).toEqual([700]);
    expect(dryRunMessage(plan, 5000, 'TERM').split('\n')).toEqual([
      'would stop container web-1 (postgres:16) (id a1b2c3d4e5f6) through its engine: its stop signal, then KILL after 5 s',
      'would send SIGTERM to node (pid 700) on port 5433, then SIGKILL after 5 s if the port is still held',
      'nothing was stopped (dry run): port 5433 is held by container web-1 (postgres:16), node (pid 700)',
    ]);
    expect(engine.stopped).toEqual([]);
    expect(control.sent).toEqual([]);
  });

  it('refuses a forwarder with no container found, and signals nothing', async () => {
    const { deps, control } = world(
      [proxy(5433)],
      directory({ ok: false, problem: { kind: 'none', message: 'no engine' } }),
    );
    const error = await failure(killPort(deps, 5433));
    expect(error.code).toBe('KILL_REFUSED');
    expect(error.message).toContain("docker-proxy (pid 900), a container engine's port forwarder");
    expect(control.sent).toEqual([]);
  });

  it('refuses when another container holds the port than the one the user agreed to stop', async () => {
    const { deps, engine } = world([proxy(5433)]);
    const error = await failure(killPort(deps, 5433, { expectContainer: CACHE.id }));
    expect(error.message).toContain(
      'now held by container web-1 (postgres:16), not the container ffee00112233',
    );
    expect(engine.stopped).toEqual([]);
  });

  it('an engine that fails to stop is a refusal naming the container', async () => {
    const engine = directory([WEB]);
    engine.stopAnswer.value = new Error('permission denied on /var/run/docker.sock');
    const { deps, control } = world([proxy(5433)], engine);
    const error = await failure(killPort(deps, 5433));
    expect(error.message).toBe(
      'the engine did not stop container web-1 (postgres:16) publishing port 5433: permission denied on /var/run/docker.sock',
    );
    expect(control.sent).toEqual([]);
  });

  it('a signal the engine does not send is refused, not silently replaced', async () => {
    const { deps, engine } = world([proxy(5433)]);
    const error = await failure(killPort(deps, 5433, { signal: 'INT' }));
    expect(error.message).toContain('not SIGINT');
    expect(engine.stopped).toEqual([]);
  });
});
