// Stopping the process that holds a port. The plan (who may be signalled) is pure over an
// injected process table, so every refusal is tested without going near a real process; the
// signalling and the waiting go through ProcessControl, which src/native implements.

import type { Listener, ListenerContainer, Scanner } from '../native/types.js';
import type { ContainerDirectory } from './deps.js';
import { PmError } from './errors.js';
import { containerLabel, isForwarder, shortId } from './model/containers.js';
import type { Port } from './port.js';
import { processLabel } from './program.js';
import { listenersByPort, type NamedListener, withProgram } from './status.js';
import { sleep as realSleep } from './store/fs.js';

/** The signals a user may ask for, without the SIG prefix. KILL is always the last resort. */
export const SIGNALS = ['TERM', 'INT', 'HUP', 'QUIT', 'USR1', 'USR2', 'KILL'] as const;
export type KillSignal = (typeof SIGNALS)[number];

export const DEFAULT_KILL_TIMEOUT_MS = 5000;
/** After KILL the kernel releases the socket as the process dies; this only bounds the wait. */
const AFTER_KILL_MS = 2000;
const POLL_MS = 100;

/**
 * What signalling one process came to. `unsupported`: the OS has no graceful request for this
 * process (Windows: a console program has no window to close), so pm goes straight to KILL.
 */
export type SignalOutcome = 'sent' | 'gone' | 'denied' | 'unsupported';

/** The OS side of a kill; src/native/signal.ts implements it, tests inject a table. */
export interface ProcessControl {
  /** pm's own process; `uid` is the effective uid, undefined where the OS has none (Windows). */
  readonly self: { readonly pid: number; readonly uid?: number };
  /** Start time in ms since the epoch, undefined when the process is gone or hidden. */
  startTime(pid: number): Promise<number | undefined>;
  parentPid(pid: number): Promise<number | undefined>;
  /** The owner's uid where the OS says (used when the scanner did not). */
  uidOf(pid: number): Promise<number | undefined>;
  /** Signals exactly this pid: never a process group (the pid is always positive). */
  signal(pid: number, signal: KillSignal): Promise<SignalOutcome>;
}

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
  readonly processes: ReadonlyMap<number, { readonly startTime?: number; readonly uid?: number }>;
}

/** "vite (node) (pid 4242)": how every kill message names a process. */
export function describeTarget(target: Pick<KillTarget, 'pid' | 'label'>): string {
  return `${target.label ? `${target.label} ` : ''}(pid ${target.pid})`;
}

function refuse(message: string, next: string): PmError {
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
  if (listeners.some((listener) => listener.pid === undefined)) {
    throw refuse(
      `port ${port} is held by a process of another user: pm cannot see its pid and lacks the right to stop it`,
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
    const label = processLabel(first.process, first.program);
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
    const uid = first.uid ?? facts?.uid;
    const mine = table.self.uid;
    if (mine !== undefined && mine !== 0 && uid !== undefined && uid !== mine) {
      throw refuse(
        `${who} holding port ${port} belongs to another user (uid ${uid}); pm lacks the right to signal it`,
        'stop it as its owner (or as root)',
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
      listeners: held,
    };
  });
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

export interface KillDeps {
  readonly scanner: Scanner;
  readonly control: ProcessControl;
  /** Stops a container whose forwarder holds the port; without it such a port is refused. */
  readonly containers?: ContainerDirectory;
  /** Waits between scans; tests may pass a faster one. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface KillOptions {
  readonly signal?: KillSignal;
  readonly timeoutMs?: number;
  /**
   * The pid the user agreed to stop (the dashboard's y/n question named it): refuse when the
   * port is held by someone else by the time pm looks again.
   */
  readonly expectPid?: number;
  /** The container the user agreed to stop: refuse when another one holds the port now. */
  readonly expectContainer?: string;
}

export interface KillResult {
  readonly port: Port;
  readonly targets: readonly KillTarget[];
  /** Containers stopped through their engine (never by signalling the forwarder). */
  readonly containers: readonly ContainerTarget[];
  /** The signals sent, in order: ['TERM'] or ['TERM', 'KILL']. */
  readonly sent: readonly KillSignal[];
  /** True when nothing listens on the port any more. */
  readonly freed: boolean;
}

async function listenersOn(scanner: Scanner, port: Port): Promise<Listener[]> {
  const scan = await scanner.scan({ attribute: (candidate) => candidate === port });
  if (!scan.ok) {
    throw new PmError(
      'KILL_REFUSED',
      `cannot see who listens on port ${port}: ${scan.reason}`,
      'stop the process by hand',
    );
  }
  return listenersByPort(scan.listeners).get(port) ?? [];
}

/** pm's ancestors, nearest first; stops at init, a loop or a hidden parent. */
export async function ancestorsOf(control: ProcessControl, pid: number): Promise<Set<number>> {
  const found = new Set<number>();
  let current = pid;
  for (let depth = 0; depth < 64; depth++) {
    const parent = await control.parentPid(current);
    if (parent === undefined || parent <= 0 || found.has(parent)) break;
    found.add(parent);
    current = parent;
  }
  return found;
}

/** The table planKill needs, read from the OS for just these listeners. */
export async function killTable(
  control: ProcessControl,
  listeners: readonly Listener[],
): Promise<KillTable> {
  const processes = new Map<number, { startTime?: number; uid?: number }>();
  for (const listener of listeners) {
    const pid = listener.pid;
    if (pid === undefined || processes.has(pid)) continue;
    const startTime = await control.startTime(pid);
    const uid = listener.uid ?? (await control.uidOf(pid));
    processes.set(pid, {
      ...(startTime !== undefined ? { startTime } : {}),
      ...(uid !== undefined ? { uid } : {}),
    });
  }
  return {
    self: control.self,
    ancestors: await ancestorsOf(control, control.self.pid),
    processes,
  };
}

async function released(deps: KillDeps, port: Port, withinMs: number): Promise<boolean> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const deadline = now() + withinMs;
  for (;;) {
    if ((await listenersOn(deps.scanner, port)).length === 0) return true;
    if (now() >= deadline) return false;
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - now())));
  }
}

/** Sends `signal` to every target still alive, after checking each is the same process. */
async function signalAll(
  control: ProcessControl,
  targets: readonly KillTarget[],
  signal: KillSignal,
  port: Port,
  escalating = false,
): Promise<{ graceless: boolean }> {
  let graceless = false;
  for (const target of targets) {
    const startTime = await control.startTime(target.pid);
    // Escalating, a target that exited (or whose pid now names another process) is done.
    if (escalating && startTime !== target.startTime) continue;
    checkSameProcess(target, startTime);
    const outcome = await control.signal(target.pid, signal);
    if (outcome === 'denied') {
      throw refuse(
        `${describeTarget(target)} holding port ${port} belongs to another user; pm lacks the right to signal it (EPERM)`,
        'stop it as its owner (or as root)',
      );
    }
    if (outcome === 'unsupported') graceless = true;
  }
  return { graceless };
}

/** Who stopping `port` would reach: processes to signal and containers to stop. */
export interface KillPlan {
  readonly port: Port;
  readonly targets: readonly KillTarget[];
  readonly containers: readonly ContainerTarget[];
}

/**
 * What `killPort` would do, and every refusal it would make, without doing anything: a
 * container's sockets go to its engine, every other socket through planKill.
 */
export async function planPortKill(
  deps: Pick<KillDeps, 'scanner' | 'control' | 'containers'>,
  port: Port,
  options: Pick<KillOptions, 'signal'> = {},
): Promise<KillPlan> {
  const listeners = await listenersOn(deps.scanner, port);
  const containers = containerTargets(listeners);
  const others = listeners.filter((listener) => listener.container === undefined);
  if (containers.length > 0) {
    if (deps.containers === undefined) {
      throw refuse(
        `port ${port} is published by ${containers.map((c) => c.label).join(', ')}, and pm cannot reach its engine here`,
        'stop the container with the engine (docker stop, podman stop)',
      );
    }
    if (options.signal !== undefined && options.signal !== 'TERM' && options.signal !== 'KILL') {
      throw refuse(
        `port ${port} is published by ${containers.map((c) => c.label).join(', ')}: its engine stops it with the container's own stop signal, not SIG${options.signal}`,
        'send the signal with the engine (docker kill --signal, podman kill --signal)',
      );
    }
  }
  const targets =
    others.length > 0 || containers.length === 0
      ? planKill(port, others, await killTable(deps.control, others))
      : [];
  return { port, targets, containers };
}

/** Everything the plan reaches, for messages: `container web-1 (postgres:16), vite (node) (pid 42)`. */
export function describePlan(plan: Pick<KillPlan, 'targets' | 'containers'>): string {
  return [...plan.containers.map((c) => c.label), ...plan.targets.map(describeTarget)].join(', ');
}

function checkExpected(plan: KillPlan, options: KillOptions): void {
  const { expectPid, expectContainer } = options;
  const pidGone = expectPid !== undefined && !plan.targets.some((t) => t.pid === expectPid);
  const containerGone =
    expectContainer !== undefined &&
    !plan.containers.some((c) => c.container.id === expectContainer);
  if (pidGone || containerGone) {
    const agreed = containerGone
      ? `the container ${shortId(expectContainer as string)}`
      : `the pid ${expectPid}`;
    throw refuse(
      `port ${plan.port} is now held by ${describePlan(plan)}, not ${agreed} you agreed to stop; nothing was signalled`,
      'look again and ask once more',
    );
  }
}

/** Asks the engine to stop each container: its stop signal, then KILL after the timeout. */
async function stopContainers(
  directory: ContainerDirectory,
  containers: readonly ContainerTarget[],
  timeoutMs: number,
  port: Port,
): Promise<void> {
  for (const target of containers) {
    try {
      await directory.stop(target.container.id, timeoutMs / 1000);
    } catch (error) {
      throw new PmError(
        'KILL_REFUSED',
        `the engine did not stop ${target.label} publishing port ${port}: ${error instanceof Error ? error.message : String(error)}`,
        'stop the container with the engine (docker stop, podman stop)',
      );
    }
  }
}

/**
 * Stops whoever listens on `port`: a container through its engine; a process with `signal`
 * (TERM), then KILL when the port is still held after `timeoutMs`. Throws PmError for every
 * refusal, before anything is signalled.
 */
export async function killPort(
  deps: KillDeps,
  port: Port,
  options: KillOptions = {},
): Promise<KillResult> {
  const first = options.signal ?? 'TERM';
  const timeoutMs = options.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS;
  const plan = await planPortKill(deps, port, options);
  checkExpected(plan, options);
  const { targets, containers } = plan;
  if (containers.length > 0 && deps.containers) {
    await stopContainers(deps.containers, containers, first === 'KILL' ? 0 : timeoutMs, port);
  }
  if (targets.length === 0) {
    return {
      port,
      targets,
      containers,
      sent: [],
      freed: await released(deps, port, AFTER_KILL_MS),
    };
  }
  const sent: KillSignal[] = [first];
  const { graceless } = await signalAll(deps.control, targets, first, port);
  if (await released(deps, port, graceless || first === 'KILL' ? 0 : timeoutMs)) {
    return { port, targets, containers, sent, freed: true };
  }
  if (first === 'KILL') {
    return { port, targets, containers, sent, freed: await released(deps, port, AFTER_KILL_MS) };
  }
  sent.push('KILL');
  await signalAll(deps.control, targets, 'KILL', port, true);
  return { port, targets, containers, sent, freed: await released(deps, port, AFTER_KILL_MS) };
}
