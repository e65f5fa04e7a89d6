// Stopping the process that holds a port: carrying out the plan of core/model/kill.ts. The
// signalling and the waiting go through ProcessControl, which src/os implements.

import { PmError } from '../errors.js';
import {
  checkSameProcess,
  DEFAULT_KILL_TIMEOUT_MS,
  describeTarget,
  type KillSignal,
  type KillTable,
  type KillTarget,
  planKill,
  refuse,
} from '../model/kill.js';
import type { Port } from '../model/port.js';
import { listenersByPort } from '../model/status.js';
import type { Listener, ProcessControl, Scanner } from '../ports.js';
import { sleep as realSleep } from '../store/fs.js';

/** After KILL the kernel releases the socket as the process dies; this only bounds the wait. */
const AFTER_KILL_MS = 2000;
const POLL_MS = 100;

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

/**
 * Who a kill of `port` would signal right now, or the refusal: the same checks killPort makes
 * first, with nothing signalled (an agent is shown this before it confirms).
 */
export async function planPortKill(
  deps: Pick<KillDeps, 'scanner' | 'control'>,
  port: Port,
): Promise<KillTarget[]> {
  const listeners = await listenersOn(deps.scanner, port);
  return planKill(port, listeners, await killTable(deps.control, listeners));
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
  const targets = await planPortKill(deps, port);
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
