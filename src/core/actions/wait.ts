// Waiting for a service to come up (DESIGN §5g): until its port accepts a TCP connection on
// loopback, or, with an HTTP path, answers it below 500, polling with a growing pause so a
// long wait costs next to no CPU. When the wait ends without that, the outcome says what
// listens instead: the service's own process on another port (moved), or whatever holds the
// port without answering. `pm mcp`'s wait tool reads the outcome; `pm wait` words it as an
// error (waitFor).

import { PmError } from '../errors.js';
import type { Port } from '../model/port.js';
import { ownerOf } from '../model/registry.js';
import { type NamedListener, statusRows, withProgram } from '../model/status.js';
import type { Deps, Reach } from '../ports.js';
import { sleep as realSleep } from '../store/fs.js';
import { describeListener } from './allocate.js';
import { scanForRows, statusOptions } from './live.js';
import { queryService } from './query.js';

/** The pause after each failed attempt doubles from the first to the last, then stays. */
export const POLL_DELAYS = { firstMs: 25, maxMs: 250 } as const;
/** One knock never waits longer than this, so a slow accept does not eat the whole wait. */
const ATTEMPT_MS = 1000;
/** The attempt at the deadline still gets long enough for a server on loopback to answer. */
const LAST_ATTEMPT_MS = 100;

export interface WaitDeps extends Pick<Deps, 'store' | 'scanner' | 'cwdOf' | 'processes'> {
  readonly reach: Reach;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Also wait for `GET path` to answer with a status below 500. */
  readonly httpPath?: string;
  /** Told once, when the first attempt finds the port not ready yet. */
  readonly onWaiting?: () => void;
}

export interface WaitOutcome {
  readonly port: Port;
  readonly ready: boolean;
  readonly waitedMs: number;
  /** How many attempts were made (the last one answered, when ready). */
  readonly attempts: number;
  /** The loopback address that accepted the connection. */
  readonly address?: string;
  /** The last HTTP status seen, when an HTTP path was asked for. */
  readonly httpStatus?: number;
  /** Not ready: who listens instead (the service moved to `port`, or holds it silently). */
  readonly instead?: { readonly port: Port; readonly listeners: readonly NamedListener[] };
}

/** The pauses between attempts, in order: 25, 50, 100, 200, 250, 250, ... */
export function pollDelay(attempt: number): number {
  return Math.min(POLL_DELAYS.maxMs, POLL_DELAYS.firstMs * 2 ** Math.min(attempt - 1, 16));
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
  let attempts = 0;
  for (;;) {
    attempts++;
    const left = () => Math.max(LAST_ATTEMPT_MS, Math.min(ATTEMPT_MS, deadline - now()));
    const address = await deps.reach.connects(port, left());
    if (address !== undefined) {
      if (options.httpPath === undefined) {
        return { port, ready: true, waitedMs: now() - started, attempts, address };
      }
      const answer = await deps.reach.httpStatus(address, port, options.httpPath, left());
      if (answer !== undefined && answer < 500) {
        return {
          port,
          ready: true,
          waitedMs: now() - started,
          attempts,
          address,
          httpStatus: answer,
        };
      }
      // A knock cut short by the deadline does not hide the status seen before it.
      httpStatus = answer ?? httpStatus;
    }
    if (attempts === 1) options.onWaiting?.();
    const remaining = deadline - now();
    if (remaining <= 0) break;
    await sleep(Math.min(pollDelay(attempts), remaining));
  }
  const instead = await listeningInstead(deps, port);
  return {
    port,
    ready: false,
    waitedMs: now() - started,
    attempts,
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

export type WaitTarget =
  | { readonly kind: 'service'; readonly project: string; readonly service: string }
  | { readonly kind: 'port'; readonly port: Port };

export interface WaitResult {
  readonly port: Port;
  readonly project?: string;
  readonly service?: string;
  readonly waitedMs: number;
  readonly attempts: number;
  /** With `httpPath`: the status that ended the wait. */
  readonly httpStatus?: number;
}

/**
 * `pm wait`: the outcome of waitForPort for a service or a port, and at the timeout a
 * WAIT_TIMEOUT error saying why (moved, held by someone who does not answer, HTTP >= 500,
 * nothing listens).
 */
export async function waitFor(
  deps: WaitDeps,
  request: WaitOptions & {
    readonly target: WaitTarget;
    readonly onWaitingPort?: (port: Port) => void;
  },
): Promise<WaitResult> {
  const { target } = request;
  const port =
    target.kind === 'port'
      ? target.port
      : (await queryService(deps, target.project, target.service)).port;
  const named =
    target.kind === 'service' ? { project: target.project, service: target.service } : {};
  const outcome = await waitForPort(deps, port, {
    timeoutMs: request.timeoutMs,
    ...(request.httpPath !== undefined ? { httpPath: request.httpPath } : {}),
    onWaiting: () => request.onWaitingPort?.(port),
  });
  if (outcome.ready) {
    return {
      port,
      ...named,
      waitedMs: Math.max(0, outcome.waitedMs),
      attempts: outcome.attempts,
      ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
    };
  }
  throw timeoutError(request, port, outcome);
}

function holders(listeners: readonly NamedListener[]): string {
  return listeners.map(describeListener).join(', ');
}

function timeoutError(
  request: WaitOptions & { readonly target: WaitTarget },
  port: Port,
  outcome: WaitOutcome,
): PmError {
  const { target } = request;
  const what = target.kind === 'service' ? `${target.project}/${target.service}` : `port ${port}`;
  const seconds = `${Number((request.timeoutMs / 1000).toFixed(3))} s`;
  const instead = outcome.instead;
  if (instead && instead.port !== port) {
    return new PmError(
      'WAIT_TIMEOUT',
      `${what} moved: its process listens on port ${instead.port} (${holders(instead.listeners)}), not on its port ${port}`,
      `start it on port ${port} (its port option, or make it read PORT), or wait for port ${instead.port} instead`,
    );
  }
  const listeners = instead?.listeners ?? [];
  if (outcome.httpStatus !== undefined) {
    return new PmError(
      'WAIT_TIMEOUT',
      `${what} answered ${request.httpPath} with HTTP ${outcome.httpStatus} for ${seconds}${listeners.length > 0 ? ` (port ${port}: ${holders(listeners)})` : ''}`,
      'look at the server’s own log for the error, or wait for another path',
    );
  }
  if (listeners.length > 0) {
    return new PmError(
      'WAIT_TIMEOUT',
      `${what} did not accept a connection on loopback within ${seconds}: port ${port} is held by ${holders(listeners)} instead`,
      'stop that process or give the service another port, then start the service again',
    );
  }
  return new PmError(
    'WAIT_TIMEOUT',
    `${what} did not accept a connection within ${seconds}: nothing listens on port ${port}`,
    'start the service (or give it more time), then wait again',
  );
}
