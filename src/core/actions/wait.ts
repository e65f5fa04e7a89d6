// Waiting for a service to come up (DESIGN §5g): until its port accepts a TCP connection on
// loopback, or, with an HTTP path, answers it below 500. When the wait ends without that, the
// outcome says what listens instead: the service's own process on another port (moved), or
// whatever holds the port without answering.

import type { Port } from '../model/port.js';
import { ownerOf } from '../model/registry.js';
import { type NamedListener, statusRows, withProgram } from '../model/status.js';
import type { Deps, Reach } from '../ports.js';
import { sleep as realSleep } from '../store/fs.js';
import { scanForRows, statusOptions } from './live.js';

const POLL_MS = 100;
/** One knock never waits longer than this, so a slow accept does not eat the whole wait. */
const ATTEMPT_MS = 1000;

export interface WaitDeps extends Pick<Deps, 'store' | 'scanner' | 'cwdOf' | 'processes'> {
  readonly reach: Reach;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Also wait for `GET path` to answer with a status below 500. */
  readonly httpPath?: string;
}

export interface WaitOutcome {
  readonly port: Port;
  readonly ready: boolean;
  readonly waitedMs: number;
  /** The loopback address that accepted the connection. */
  readonly address?: string;
  /** The last HTTP status seen, when an HTTP path was asked for. */
  readonly httpStatus?: number;
  /** Not ready: who listens instead (the service moved to `port`, or holds it silently). */
  readonly instead?: { readonly port: Port; readonly listeners: readonly NamedListener[] };
}

export async function waitForPort(
  deps: WaitDeps,
  port: Port,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const started = now();
  const deadline = started + options.timeoutMs;
  let httpStatus: number | undefined;
  for (;;) {
    const left = () => Math.max(1, Math.min(ATTEMPT_MS, deadline - now()));
    const address = await deps.reach.connects(port, left());
    if (address !== undefined) {
      if (options.httpPath === undefined) {
        return { port, ready: true, waitedMs: now() - started, address };
      }
      const answer = await deps.reach.httpStatus(address, port, options.httpPath, left());
      if (answer !== undefined && answer < 500) {
        return { port, ready: true, waitedMs: now() - started, address, httpStatus: answer };
      }
      // A knock cut short by the deadline does not hide the status seen before it.
      httpStatus = answer ?? httpStatus;
    }
    if (now() >= deadline) break;
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - now())));
  }
  const instead = await listeningInstead(deps, port);
  return {
    port,
    ready: false,
    waitedMs: now() - started,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(instead ? { instead } : {}),
  };
}

async function listeningInstead(
  deps: WaitDeps,
  port: Port,
): Promise<WaitOutcome['instead'] | undefined> {
  const { registry } = await deps.store.read();
  const scan = await scanForRows(deps, registry, (candidate) => candidate === port);
  if (!scan.ok) return undefined;
  if (ownerOf(registry, port)) {
    const row = statusRows(registry, scan, statusOptions(deps)).find((r) => r.port === port);
    if (row?.moved) return row.moved;
  }
  const holders = scan.listeners.filter((listener) => listener.port === port);
  return holders.length > 0 ? { port, listeners: holders.map(withProgram) } : undefined;
}
