// Stopping the process that holds a port: the plan. Who may be signalled is decided purely
// over an injected process table, so every refusal is tested without going near a real
// process; core/actions/kill.ts reads the table and carries the plan out.

import { PmError } from '../errors.js';
import type { Listener, ListenerContainer } from '../ports.js';
import { containerLabel, isForwarder } from './containers.js';
import { listenerName } from './explain.js';
import type { Port } from './port.js';
import { processLabel } from './program.js';
import { type NamedListener, withProgram } from './status.js';

/** The signals a user may ask for, without the SIG prefix. KILL is always the last resort. */
export const SIGNALS = ['TERM', 'INT', 'HUP', 'QUIT', 'USR1', 'USR2', 'KILL'] as const;
export type KillSignal = (typeof SIGNALS)[number];

export const DEFAULT_KILL_TIMEOUT_MS = 5000;

/** A signal name as a user types it (`term`, `SIGINT`); `what` names the input in errors. */
export function parseSignal(raw: string, what: string): KillSignal {
  const name = raw.trim().toUpperCase().replace(/^SIG/, '');
  if ((SIGNALS as readonly string[]).includes(name)) return name as KillSignal;
  throw new PmError('USAGE', `invalid ${what} '${raw}': expected one of ${SIGNALS.join(', ')}`);
}

/** A wait in seconds (fractions allowed), 0 to 3600, as milliseconds. */
export function parseKillTimeout(raw: string, what: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds > 3600) {
    throw new PmError(
      'USAGE',
      `invalid ${what} '${raw}': expected seconds from 0 to 3600, e.g. 5 or 0.5`,
    );
  }
  return Math.round(seconds * 1000);
}

/** One process pm is about to signal, with the start time that names it. */
export interface KillTarget {
  readonly pid: number;
  readonly startTime: number;
  /** `vite (node)`, or undefined when the OS did not name it. Foreign: sanitize to show. */
  readonly label?: string;
  /** The owner's uid, where the scanner or the OS said. */
  readonly uid?: number;
  readonly listeners: readonly NamedListener[];
}

/** A container pm asks its engine to stop, because its forwarder holds the port. */
export interface ContainerTarget {
  readonly container: ListenerContainer;
  /** `container web-1 (postgres:16)`. Foreign: sanitize to show. */
  readonly label: string;
  readonly listeners: readonly NamedListener[];
}

/** The containers behind a port's listeners, one entry each however many sockets. */
export function containerTargets(listeners: readonly Listener[]): ContainerTarget[] {
  const byId = new Map<string, ContainerTarget>();
  for (const listener of listeners) {
    const container = listener.container;
    if (container === undefined) continue;
    const known = byId.get(container.id);
    const held = [...(known?.listeners ?? []), withProgram(listener)];
    byId.set(container.id, { container, label: containerLabel(container), listeners: held });
  }
  return [...byId.values()];
}

/** The facts the plan is made from: what the OS said about each pid and about pm itself. */
export interface KillTable {
  readonly self: { readonly pid: number; readonly uid?: number };
  /** pm's parent, its parent, ... (the shell, the terminal, init). */
  readonly ancestors: ReadonlySet<number>;
  readonly processes: ReadonlyMap<
    number,
    { readonly startTime?: number; readonly uid?: number; readonly marker?: string }
  >;
}

/**
 * What makes pm, running as root, stop another user's process: the user's --force, or the
 * process being the one `pm run` started for the service asked for (its PM_SERVICE marker).
 */
export interface KillConsent {
  readonly force?: boolean;
  /** `project/service` when the kill names a service; a port alone has none. */
  readonly marker?: string;
}

/** "vite (node) (pid 4242)": how every kill message names a process. */
export function describeTarget(target: Pick<KillTarget, 'pid' | 'label'>): string {
  return `${target.label ? `${target.label} ` : ''}(pid ${target.pid})`;
}

export function refuse(message: string, next: string): PmError {
  return new PmError('KILL_REFUSED', message, next);
}

/**
 * Who would be signalled to free `port`, or the reason pm refuses. Pure: the caller gathered
 * the table from the OS (or a test wrote it).
 */
export function planKill(
  port: Port,
  listeners: readonly Listener[],
  table: KillTable,
  consent: KillConsent = {},
): KillTarget[] {
  if (listeners.length === 0) {
    throw new PmError('NOT_LISTENING', `nothing listens on port ${port}`, 'nothing to stop');
  }
  const forwarder = listeners.find((listener) => isForwarder(listener.process));
  if (forwarder !== undefined) {
    throw refuse(
      `port ${port} is held by ${forwarder.process}${forwarder.pid !== undefined ? ` (pid ${forwarder.pid})` : ''}, a container engine's port forwarder, and pm found no container behind it; signalling it would break the engine, not stop the container`,
      'stop the container with the engine (docker stop, podman stop); pm doctor shows whether pm reaches the engine',
    );
  }
  const hidden = listeners.find((listener) => listener.pid === undefined);
  if (hidden) {
    throw refuse(
      `port ${port} is held by ${listenerName(hidden)}: pm cannot signal a process it cannot see`,
      'stop it as its owner (or as root / an administrator)',
    );
  }
  const byPid = new Map<number, NamedListener[]>();
  for (const listener of listeners) {
    const list = byPid.get(listener.pid as number) ?? [];
    list.push(withProgram(listener));
    byPid.set(listener.pid as number, list);
  }
  return [...byPid].map(([pid, held]) => {
    const first = held[0] as NamedListener;
    return checkedTarget(
      pid,
      port,
      table,
      { label: processLabel(first.process, first.program), listeners: held, uid: first.uid },
      consent,
    );
  });
}

/**
 * One process pm may signal to free `port`, or the refusal: never init, pm, pm's ancestors,
 * another user's process (as root: only with the consent), or one whose start time cannot be
 * read.
 */
export function checkedTarget(
  pid: number,
  port: Port,
  table: KillTable,
  known: {
    readonly label?: string | undefined;
    readonly listeners?: readonly NamedListener[];
    readonly uid?: number | undefined;
  } = {},
  consent: KillConsent = {},
): KillTarget {
  const { label } = known;
  const who = describeTarget({ pid, ...(label !== undefined ? { label } : {}) });
  const facts = table.processes.get(pid);
  if (!Number.isInteger(pid) || pid <= 1) {
    throw refuse(
      `${who} holds port ${port}: pm never signals pid ${pid} (the system's init)`,
      'stop the service through the system (e.g. systemctl)',
    );
  }
  if (pid === table.self.pid) {
    throw refuse(`${who} holding port ${port} is pm itself`, 'pm does not stop itself');
  }
  if (table.ancestors.has(pid)) {
    throw refuse(
      `${who} holding port ${port} started pm (it is one of pm's parent processes)`,
      'stop it from its own terminal; pm never signals the programs it runs under',
    );
  }
  const uid = known.uid ?? facts?.uid;
  const mine = table.self.uid;
  if (mine !== undefined && mine !== 0 && uid !== undefined && uid !== mine) {
    throw refuse(
      `${who} holding port ${port} belongs to another user (uid ${uid}); pm lacks the right to signal it`,
      'stop it as its owner (or as root)',
    );
  }
  const marked = consent.marker !== undefined && facts?.marker === consent.marker;
  if (mine === 0 && uid !== undefined && uid !== 0 && !consent.force && !marked) {
    throw refuse(
      `${who} holding port ${port} belongs to another user (uid ${uid}) and is not what pm run started for this service; pm runs as root and does not stop another user's process unasked; nothing was signalled`,
      `if you mean it, stop it with pm kill :${port} --force`,
    );
  }
  if (facts?.startTime === undefined) {
    throw refuse(
      `cannot read the start time of ${who}, so pm cannot make sure it signals that same process`,
      'stop it by hand',
    );
  }
  return {
    pid,
    startTime: facts.startTime,
    ...(label !== undefined ? { label } : {}),
    ...(uid !== undefined ? { uid } : {}),
    listeners: known.listeners ?? [],
  };
}

/** Refuses when the pid now names another process: pids are reused. */
export function checkSameProcess(target: KillTarget, startTimeNow: number | undefined): void {
  if (startTimeNow !== undefined && startTimeNow !== target.startTime) {
    throw refuse(
      `pid ${target.pid} is no longer ${describeTarget(target)}: its start time changed (the pid was reused); nothing was signalled`,
      'look again at who listens on the port',
    );
  }
}

/** Everything a kill reaches, for messages: `container web-1 (postgres:16), vite (node) (pid 42)`. */
export function describePlan(plan: {
  readonly targets: readonly KillTarget[];
  readonly containers: readonly ContainerTarget[];
}): string {
  return [...plan.containers.map((c) => c.label), ...plan.targets.map(describeTarget)].join(', ');
}
