// `pm wait`: until a service accepts connections (or answers HTTP below 500), polling with a
// growing pause so a long wait costs next to no CPU. At the timeout it says why: nothing
// listens, something holds the port but does not answer, or the service moved elsewhere.

import { PmError } from '../errors.js';
import type { Port } from '../model/port.js';
import type { Deps, Listener, ReachProbe } from '../ports.js';
import { describeListener } from './allocate.js';
import { queryPort, queryProject, queryService } from './query.js';

export type WaitTarget =
  | { readonly kind: 'service'; readonly project: string; readonly service: string }
  | { readonly kind: 'port'; readonly port: Port };

export interface WaitRequest {
  readonly target: WaitTarget;
  readonly timeoutMs: number;
  /** Wait for `GET path` to answer below 500 instead of a bare TCP connection. */
  readonly httpPath?: string;
  /** Told once, when the first attempt finds the service not ready yet. */
  readonly onWaiting?: (port: Port) => void;
}

export interface WaitResult {
  readonly port: Port;
  readonly project?: string;
  readonly service?: string;
  readonly waitedMs: number;
  readonly attempts: number;
  /** With `httpPath`: the status that ended the wait. */
  readonly httpStatus?: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export type WaitDeps = Pick<Deps, 'store' | 'scanner' | 'cwdOf' | 'processes'> & {
  readonly reach: ReachProbe;
  readonly clock?: Clock;
};

/** The pause after each failed attempt doubles from the first to the last, then stays. */
export const POLL_DELAYS = { firstMs: 25, maxMs: 250 } as const;
/** One attempt never outlasts this, so a hung connection cannot eat the whole timeout. */
const ATTEMPT_MS = 2000;
/** The attempt at the deadline still gets long enough for a server on loopback to answer. */
const LAST_ATTEMPT_MS = 100;

const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The pauses between attempts, in order: 25, 50, 100, 200, 250, 250, ... */
export function pollDelay(attempt: number): number {
  return Math.min(POLL_DELAYS.maxMs, POLL_DELAYS.firstMs * 2 ** Math.min(attempt - 1, 16));
}

export async function waitFor(deps: WaitDeps, request: WaitRequest): Promise<WaitResult> {
  const { target } = request;
  const port =
    target.kind === 'port'
      ? target.port
      : (await queryService(deps, target.project, target.service)).port;
  const named =
    target.kind === 'service' ? { project: target.project, service: target.service } : {};
  const clock = deps.clock ?? realClock;
  const started = clock.now();
  const deadline = started + request.timeoutMs;
  let lastStatus: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const budget = Math.max(LAST_ATTEMPT_MS, Math.min(ATTEMPT_MS, deadline - clock.now()));
    let ready: boolean;
    if (request.httpPath === undefined) {
      ready = await deps.reach.connect(port, budget);
    } else {
      const status = await deps.reach.httpStatus(port, request.httpPath, budget);
      // The last answer is what the timeout reports, even if a later attempt got none.
      lastStatus = status ?? lastStatus;
      ready = status !== undefined && status < 500;
    }
    if (ready) {
      return {
        port,
        ...named,
        waitedMs: Math.max(0, clock.now() - started),
        attempts: attempt,
        ...(lastStatus !== undefined ? { httpStatus: lastStatus } : {}),
      };
    }
    if (attempt === 1) request.onWaiting?.(port);
    const left = deadline - clock.now();
    if (left <= 0) break;
    await clock.sleep(Math.min(pollDelay(attempt), left));
  }
  throw await timeoutError(deps, request, port, lastStatus);
}

function holders(listeners: readonly Listener[]): string {
  return listeners.map(describeListener).join(', ');
}

/** Why the wait ended without an answer, with what the scanner sees now. */
async function timeoutError(
  deps: WaitDeps,
  request: WaitRequest,
  port: Port,
  lastStatus: number | undefined,
): Promise<PmError> {
  const { target } = request;
  const what = target.kind === 'service' ? `${target.project}/${target.service}` : `port ${port}`;
  const seconds = `${Number((request.timeoutMs / 1000).toFixed(3))} s`;
  let listeners: readonly Listener[] = [];
  if (target.kind === 'service') {
    const row = (await queryProject(deps, target.project)).services.find(
      (candidate) => candidate.service === target.service,
    );
    if (row?.moved) {
      return new PmError(
        'WAIT_TIMEOUT',
        `${what} moved: its process listens on port ${row.moved.port} (${holders(row.moved.listeners)}), not on its port ${port}`,
        `start it on port ${port} (its port option, or make it read PORT), or wait for port ${row.moved.port} instead`,
      );
    }
    listeners = row?.listeners ?? [];
  } else {
    listeners = (await queryPort(deps, port)).listeners;
  }
  if (lastStatus !== undefined) {
    return new PmError(
      'WAIT_TIMEOUT',
      `${what} answered ${request.httpPath} with HTTP ${lastStatus} for ${seconds}${listeners.length > 0 ? ` (port ${port}: ${holders(listeners)})` : ''}`,
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
