// The container engine's HTTP API (Docker, or Podman's Docker-compatible one) over its unix
// socket, with Node's own http client: which running containers publish which host ports,
// the engine's version, and stopping a container. Paths are unversioned, so every engine
// answers in its own API version and an old one is understood as well as a new one.
import { statSync } from 'node:fs';
import type { request as httpRequest } from 'node:http';
import type {
  ContainerDirectory,
  ContainerListing,
  EngineContainer,
  EngineInfo,
  EngineProblem,
  PublishedPort,
  StopOutcome,
} from '../../core/ports.js';

export interface EngineSettings {
  /** DOCKER_HOST as the user set it ('unix:///run/user/1000/docker.sock'); '' or absent: none. */
  readonly host?: string;
  /** XDG_RUNTIME_DIR, where rootless Podman keeps its socket. */
  readonly runtimeDir?: string;
  /** How long a listing or version request may take before pm answers without containers. */
  readonly timeoutMs?: number;
  /** After a failure, how long pm answers with it before asking the engine again. */
  readonly retryAfterMs?: number;
  /** A listing younger than this is reused: one request per refresh, however many scans. */
  readonly reuseMs?: number;
  readonly now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 500;
const DEFAULT_RETRY_AFTER_MS = 30_000;
const DEFAULT_REUSE_MS = 500;
/** The engine waits the stop timeout, then kills; this bounds the answer after that. */
const STOP_MARGIN_MS = 15_000;
/** A listing of thousands of containers is a few MB; a larger reply is not an engine. */
const MAX_REPLY_BYTES = 32 * 1024 * 1024;

export type Endpoint =
  | { readonly ok: true; readonly socketPath: string }
  | { readonly ok: false; readonly problem: EngineProblem };

/**
 * The socket to use: DOCKER_HOST when set (and only it), else the first of Docker's and
 * Podman's usual sockets that exists.
 */
export function findEndpoint(
  settings: Pick<EngineSettings, 'host' | 'runtimeDir'>,
  exists: (path: string) => boolean = isSocketFile,
): Endpoint {
  const host = settings.host ?? '';
  if (host !== '') {
    if (host.startsWith('unix://')) return { ok: true, socketPath: host.slice('unix://'.length) };
    if (host.startsWith('npipe://')) {
      return { ok: true, socketPath: host.slice('npipe://'.length).replaceAll('/', '\\') };
    }
    return {
      ok: false,
      problem: {
        kind: 'unsupported',
        endpoint: host,
        message: `DOCKER_HOST ${host} is not a unix socket (unix://...); pm asks only a local engine's socket`,
      },
    };
  }
  const candidates = [
    '/var/run/docker.sock',
    ...(settings.runtimeDir ? [`${settings.runtimeDir}/podman/podman.sock`] : []),
    '/run/podman/podman.sock',
  ];
  const found = candidates.find(exists);
  if (found !== undefined) return { ok: true, socketPath: found };
  return {
    ok: false,
    problem: { kind: 'none', message: `no engine socket at ${candidates.join(', ')}` },
  };
}

function isSocketFile(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

interface Reply {
  readonly status: number;
  readonly body: string;
}

class EngineError extends Error {
  constructor(readonly problem: EngineProblem) {
    super(problem.message);
  }
}

// Loaded on the first request: node:http costs every pm command that never asks an engine
// (most of them) a noticeable part of its start-up.
let request: typeof httpRequest | undefined;

/** One request on the socket; every way it can fail becomes an EngineProblem. */
async function call(
  socketPath: string,
  method: string,
  path: string,
  timeoutMs: number,
): Promise<Reply> {
  request ??= (await import('node:http')).request;
  const send = request;
  return new Promise((resolve, reject) => {
    const fail = (kind: EngineProblem['kind'], message: string) =>
      reject(new EngineError({ kind, endpoint: socketPath, message }));
    // servername '' (no TLS on a unix socket): else Node's agent derives one from the host
    // header through isIP, whose first IPv6 match compiles a regex costing ~8 ms of a scan.
    // (The agent reads it from the request's options; @types/node lists it for TLS only.)
    const options = { socketPath, method, path, servername: '', headers: { host: 'engine' } };
    const req = send(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_REPLY_BYTES) {
          req.destroy();
          fail('unreachable', `the engine at ${socketPath} sent more than pm reads`);
        } else chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (error) => fail('unreachable', `${socketPath}: ${error.message}`));
    });
    // A whole-request deadline, not an idle one: a socket that trickles bytes is hung too.
    const timer = setTimeout(() => {
      req.destroy();
      fail('timeout', `the engine at ${socketPath} did not answer within ${timeoutMs} ms`);
    }, timeoutMs);
    timer.unref();
    req.on('close', () => clearTimeout(timer));
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(...classify(error, socketPath));
    });
    req.end();
  });
}

export function classify(
  error: NodeJS.ErrnoException,
  socketPath: string,
): [EngineProblem['kind'], string] {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return [
        'denied',
        `permission denied on ${socketPath} (join the engine's group, e.g. docker, or use a rootless engine)`,
      ];
    case 'ENOENT':
      return ['none', `no engine socket at ${socketPath}`];
    case 'ECONNREFUSED':
      return ['unreachable', `nothing answers on ${socketPath} (is the engine running?)`];
    default:
      return ['unreachable', `${socketPath}: ${error.message}`];
  }
}

function problemOf(error: unknown, socketPath: string): EngineProblem {
  if (error instanceof EngineError) return error.problem;
  return { kind: 'unreachable', endpoint: socketPath, message: String(error) };
}

/** The engine's error text ({"message": ...}) where it sent one. */
function engineMessage(reply: Reply): string {
  try {
    const parsed = JSON.parse(reply.body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: the status says enough.
  }
  return `HTTP ${reply.status}`;
}

function parseJson(reply: Reply, socketPath: string, what: string): unknown {
  if (reply.status !== 200) {
    throw new EngineError({
      kind: 'unreachable',
      endpoint: socketPath,
      message: `the engine at ${socketPath} refused ${what}: ${engineMessage(reply)}`,
    });
  }
  try {
    return JSON.parse(reply.body);
  } catch {
    throw new EngineError({
      kind: 'unreachable',
      endpoint: socketPath,
      message: `the engine at ${socketPath} answered ${what} with something that is not JSON`,
    });
  }
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

function publishedPorts(raw: unknown): PublishedPort[] {
  if (!Array.isArray(raw)) return [];
  const ports: PublishedPort[] = [];
  for (const entry of raw as Record<string, unknown>[]) {
    const publicPort = entry?.PublicPort;
    const privatePort = entry?.PrivatePort;
    // An exposed port that is not published has no PublicPort: no host socket to match.
    if (typeof publicPort !== 'number' || typeof privatePort !== 'number') continue;
    const type = String(entry.Type ?? 'tcp').toLowerCase();
    const ip = text(entry.IP);
    ports.push({
      publicPort,
      privatePort,
      protocol: (PROTOCOLS.has(type) ? type : 'tcp') as PublishedPort['protocol'],
      ...(ip !== undefined ? { ip } : {}),
    });
  }
  return ports;
}

/** `GET /containers/json`'s reply as pm uses it; entries it cannot read are skipped. */
export function parseContainers(raw: unknown): EngineContainer[] {
  if (!Array.isArray(raw)) return [];
  const containers: EngineContainer[] = [];
  for (const entry of raw as Record<string, unknown>[]) {
    const id = text(entry?.Id);
    if (id === undefined) continue;
    const names = Array.isArray(entry.Names) ? entry.Names : [];
    const name = (text(names[0]) ?? id.slice(0, 12)).replace(/^\//, '');
    const labels = (entry.Labels && typeof entry.Labels === 'object' ? entry.Labels : {}) as Record<
      string,
      unknown
    >;
    const composeProject = text(labels['com.docker.compose.project']);
    const composeService = text(labels['com.docker.compose.service']);
    containers.push({
      id,
      name,
      image: text(entry.Image) ?? '?',
      ...(composeProject !== undefined ? { composeProject } : {}),
      ...(composeService !== undefined ? { composeService } : {}),
      ports: publishedPorts(entry.Ports),
    });
  }
  return containers;
}

/** `GET /version`: Docker names itself "Engine" in Components, Podman "Podman Engine". */
export function parseVersion(raw: unknown, endpoint: string): Extract<EngineInfo, { ok: true }> {
  const report = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const components = Array.isArray(report.Components) ? report.Components : [];
  const podman = components.some((component: { Name?: unknown }) =>
    String(component?.Name ?? '')
      .toLowerCase()
      .includes('podman'),
  );
  return {
    ok: true,
    endpoint,
    engine: podman ? 'Podman' : 'Docker',
    version: text(report.Version) ?? '?',
    apiVersion: text(report.ApiVersion) ?? '?',
  };
}

export function createContainerDirectory(settings: EngineSettings = {}): ContainerDirectory {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retryAfterMs = settings.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  const reuseMs = settings.reuseMs ?? DEFAULT_REUSE_MS;
  const now = settings.now ?? Date.now;
  let last: { at: number; listing: Promise<ContainerListing> } | undefined;

  const endpoint = () => findEndpoint(settings);

  async function fetchListing(): Promise<ContainerListing> {
    const found = endpoint();
    if (!found.ok) return found;
    try {
      const reply = await call(found.socketPath, 'GET', '/containers/json', timeoutMs);
      return {
        ok: true,
        containers: parseContainers(parseJson(reply, found.socketPath, 'the container list')),
      };
    } catch (error) {
      return { ok: false, problem: problemOf(error, found.socketPath) };
    }
  }

  const fresh = (): Promise<ContainerListing> => {
    const listing = fetchListing();
    last = { at: now(), listing };
    return listing;
  };

  return {
    list() {
      const at = now();
      if (last !== undefined) {
        const age = at - last.at;
        // In flight or fresh: the same answer. A failed engine is not asked again for a
        // while, so a hung one costs one timeout per retry period, not one per refresh.
        if (age < reuseMs) return last.listing;
        if (age < retryAfterMs) {
          const settled = last;
          return settled.listing.then((listing) => {
            if (listing.ok || listing.problem.kind === 'none') return fresh();
            return listing;
          });
        }
      }
      return fresh();
    },
    async info(): Promise<EngineInfo> {
      const found = endpoint();
      if (!found.ok) return found;
      try {
        const reply = await call(found.socketPath, 'GET', '/version', timeoutMs);
        return parseVersion(parseJson(reply, found.socketPath, 'the version'), found.socketPath);
      } catch (error) {
        return { ok: false, problem: problemOf(error, found.socketPath) };
      }
    },
    async stop(id: string, timeoutSeconds: number): Promise<StopOutcome> {
      const found = endpoint();
      if (!found.ok) throw new Error(found.problem.message);
      const seconds = Math.max(0, Math.ceil(timeoutSeconds));
      let reply: Reply;
      try {
        reply = await call(
          found.socketPath,
          'POST',
          `/containers/${encodeURIComponent(id)}/stop?t=${seconds}`,
          seconds * 1000 + STOP_MARGIN_MS,
        );
      } catch (error) {
        throw new Error(problemOf(error, found.socketPath).message);
      }
      last = undefined;
      if (reply.status === 204) return 'stopped';
      if (reply.status === 304) return 'already-stopped';
      if (reply.status === 404) return 'gone';
      throw new Error(`the engine refused to stop ${id.slice(0, 12)}: ${engineMessage(reply)}`);
    },
  };
}
