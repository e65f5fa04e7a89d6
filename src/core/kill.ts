// Stopping the process that holds a port. The plan (who may be signalled) is pure over an
// injected process table, so every refusal is tested without going near a real process; the
// signalling and the waiting go through ProcessControl, which src/native implements.

import type { Listener, Scanner } from '../native/types.js';
import { PmError } from './errors.js';
import { listenerName } from './explain.js';
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
  /** The owner's uid, where the scanner or the OS said. */
  readonly uid?: number;
  readonly listeners: readonly NamedListener[];
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
      ...(uid !== undefined ? { uid } : {}),
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
}

export interface KillResult {
  readonly port: Port;
  readonly targets: readonly KillTarget[];
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

/** Who `killPort` would signal now, or the refusal it would make: for --dry-run and messages. */
export async function planKillPort(
  deps: Pick<KillDeps, 'scanner' | 'control'>,
  port: Port,
): Promise<KillTarget[]> {
  const listeners = await listenersOn(deps.scanner, port);
  return planKill(port, listeners, await killTable(deps.control, listeners));
}

/**
 * Stops whoever listens on `port`: `signal` (TERM), then KILL when the port is still held
 * after `timeoutMs`. Throws PmError for every refusal, before anything is signalled.
 */
export async function killPort(
  deps: KillDeps,
  port: Port,
  options: KillOptions = {},
): Promise<KillResult> {
  const first = options.signal ?? 'TERM';
  const timeoutMs = options.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS;
  const listeners = await listenersOn(deps.scanner, port);
  const targets = planKill(port, listeners, await killTable(deps.control, listeners));
  if (options.expectPid !== undefined && !targets.some((t) => t.pid === options.expectPid)) {
    throw refuse(
      `port ${port} is now held by ${targets.map(describeTarget).join(', ')}, not the pid ${options.expectPid} you agreed to stop; nothing was signalled`,
      'look again and ask once more',
    );
  }
  const sent: KillSignal[] = [first];
  const { graceless } = await signalAll(deps.control, targets, first, port);
  if (await released(deps, port, graceless || first === 'KILL' ? 0 : timeoutMs)) {
    return { port, targets, sent, freed: true };
  }
  if (first === 'KILL') {
    return { port, targets, sent, freed: await released(deps, port, AFTER_KILL_MS) };
  }
  sent.push('KILL');
  await signalAll(deps.control, targets, 'KILL', port, true);
  return { port, targets, sent, freed: await released(deps, port, AFTER_KILL_MS) };
}
