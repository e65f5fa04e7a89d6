// Caddy as `pm proxy` drives it: found on PATH, run in the foreground with its state in pm's
// own directory (never the user's own Caddy's), and told about registry changes through its
// admin API. Also the cheap "does pm proxy run?" probe that `pm status` and `pm env` ask.
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { delimiter, join } from 'node:path';
import type { ProxyEndpoint } from '../../core/model/proxy-config.js';
import { homeDirectory } from './home.js';

type Env = Readonly<Record<string, string | undefined>>;

/** pm's own files of the proxy: the generated Caddyfile, the state file, Caddy's data. */
export interface ProxyFiles {
  readonly dir: string;
  readonly caddyfile: string;
  /** Written while `pm proxy` runs: where its admin API is, and its ports. */
  readonly state: string;
  /** Caddy's XDG_DATA_HOME: its local CA and certificates under caddy/. */
  readonly data: string;
  /** Caddy's XDG_CONFIG_HOME: its autosave of the last loaded config. */
  readonly config: string;
}

/**
 * `$XDG_DATA_HOME/port-manager/proxy` (default ~/.local/share/...), on Windows
 * `%LOCALAPPDATA%\port-manager\proxy`: the CA key lives here, so a data directory, not a cache.
 */
export function proxyFiles(env: Env, platform: NodeJS.Platform): ProxyFiles | undefined {
  let base: string | undefined;
  if (platform === 'win32') base = env.LOCALAPPDATA;
  else if (env.XDG_DATA_HOME) base = env.XDG_DATA_HOME;
  else {
    const home = homeDirectory(env as NodeJS.ProcessEnv);
    base = home === undefined ? undefined : join(home, '.local', 'share');
  }
  if (base === undefined || base === '') return undefined;
  const dir = join(base, 'port-manager', 'proxy');
  return {
    dir,
    caddyfile: join(dir, 'Caddyfile'),
    state: join(dir, 'proxy.json'),
    data: join(dir, 'data'),
    config: join(dir, 'config'),
  };
}

/** Where Caddy keeps its local CA's root certificate (what a client trusts). */
export function caRootPath(files: ProxyFiles): string {
  return join(files.data, 'caddy', 'pki', 'authorities', 'local', 'root.crt');
}

/** The environment Caddy runs in: the caller's, with Caddy's state moved into pm's dirs. */
export function caddyEnvironment(files: ProxyFiles, env: Env): NodeJS.ProcessEnv {
  return { ...env, XDG_DATA_HOME: files.data, XDG_CONFIG_HOME: files.config };
}

/** The first executable `name` on PATH (PATHEXT's endings on Windows), or undefined. */
export function findOnPath(name: string, env: Env, platform: NodeJS.Platform): string | undefined {
  const path = env.PATH ?? env.Path ?? '';
  const endings = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';') : [''];
  for (const dir of path.split(platform === 'win32' ? ';' : delimiter)) {
    if (dir === '') continue;
    for (const ending of endings) {
      const candidate = join(dir, `${name}${ending.toLowerCase()}`);
      try {
        accessSync(candidate, platform === 'win32' ? constants.F_OK : constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export function writeCaddyfile(files: ProxyFiles, text: string): void {
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  writeFileSync(files.caddyfile, text, { mode: 0o600 });
}

export function writeProxyState(files: ProxyFiles, endpoint: ProxyEndpoint, pid: number): void {
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const state = {
    admin: endpoint.admin,
    http_port: endpoint.httpPort,
    https_port: endpoint.httpsPort,
    pid,
  };
  writeFileSync(files.state, `${JSON.stringify(state)}\n`, { mode: 0o600 });
}

export function removeProxyState(files: ProxyFiles): void {
  rmSync(files.state, { force: true });
}

/** What the last `pm proxy` wrote; undefined when none runs (or the file is not pm's). */
export function readProxyState(files: ProxyFiles): ProxyEndpoint | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(files.state, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { admin, http_port, https_port } = parsed as Record<string, unknown>;
  const isPort = (value: unknown): value is number =>
    Number.isInteger(value) && (value as number) > 0 && (value as number) < 65536;
  if (typeof admin !== 'string' || !isPort(http_port) || !isPort(https_port)) return undefined;
  if (!isLoopbackAddress(admin)) return undefined;
  return { admin, httpPort: http_port, httpsPort: https_port };
}

/** host:port on 127.0.0.1, [::1] or localhost: the only admin addresses pm talks to. */
export function isLoopbackAddress(address: string): boolean {
  return /^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/.test(address);
}

export interface AdminAnswer {
  readonly status: number;
  readonly body: string;
}

/** One request to Caddy's admin API; rejects on a refused connection or after `timeoutMs`. */
export async function adminRequest(
  admin: string,
  path: string,
  options: { method?: string; body?: string; contentType?: string; timeoutMs: number },
): Promise<AdminAnswer> {
  const { request } = await import('node:http');
  const separator = admin.lastIndexOf(':');
  const host = admin.slice(0, separator).replace(/^\[|\]$/g, '');
  const port = Number(admin.slice(separator + 1));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path,
        method: options.method ?? 'GET',
        timeout: options.timeoutMs,
        // Caddy's admin API checks Host against its listen address.
        headers: {
          Host: admin,
          ...(options.contentType ? { 'Content-Type': options.contentType } : {}),
        },
      },
      (response: IncomingMessage) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${admin} in time`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export type LoadOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Replaces Caddy's whole config with this Caddyfile (`POST /load`). Caddy swaps configs
 * atomically: a refused one leaves the running one in place, and the reason is Caddy's own.
 */
export async function loadCaddyfile(admin: string, text: string): Promise<LoadOutcome> {
  try {
    const answer = await adminRequest(admin, '/load', {
      method: 'POST',
      body: text,
      contentType: 'text/caddyfile',
      timeoutMs: 10_000,
    });
    if (answer.status === 200) return { ok: true };
    return { ok: false, reason: caddyError(answer) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function caddyError(answer: AdminAnswer): string {
  try {
    const parsed = JSON.parse(answer.body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: the body as it is
  }
  return `Caddy answered ${answer.status}: ${answer.body.trim()}`;
}

/** The running proxy's HTTPS port as its admin API reports it, if it answers at all. */
export async function runningHttpsPort(
  admin: string,
  timeoutMs: number,
): Promise<number | undefined> {
  try {
    const answer = await adminRequest(admin, '/config/apps/http/https_port', { timeoutMs });
    if (answer.status !== 200) return undefined;
    const port = Number(answer.body.trim());
    return Number.isInteger(port) ? port : undefined;
  } catch {
    return undefined;
  }
}

/** True once something accepts a TCP connection on 127.0.0.1:port. */
export async function accepts(port: number, timeoutMs: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** How long `pm status` waits for the admin API: a loopback answer comes far sooner. */
const PROBE_TIMEOUT_MS = 300;

/**
 * The running `pm proxy`, or undefined. No state file (the usual case): no network at all.
 * With one, the admin address must answer with the HTTPS port pm gave it, so a stale file
 * (a `pm proxy` killed hard) or somebody else's server on that port reads as "not running".
 */
export async function probeProxy(
  files: ProxyFiles | undefined,
): Promise<ProxyEndpoint | undefined> {
  if (files === undefined) return undefined;
  const state = readProxyState(files);
  if (state === undefined) return undefined;
  const port = await runningHttpsPort(state.admin, PROBE_TIMEOUT_MS);
  return port === state.httpsPort ? state : undefined;
}

/** The lines that say how to install Caddy, per system. */
export const CADDY_INSTALL =
  'install Caddy, then run this again: sudo apt install caddy (Debian, Ubuntu), brew install caddy (macOS), winget install CaddyServer.Caddy (Windows); or see https://caddyserver.com/docs/install';
