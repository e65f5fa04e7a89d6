// Stopping the process that holds a port: carrying out the plan of core/model/kill.ts. The
// signalling and the waiting go through ProcessControl, which src/os implements.

import { PmError } from '../errors.js';
import { shortId } from '../model/containers.js';
import {
  type ContainerTarget,
  checkSameProcess,
  containerTargets,
  DEFAULT_KILL_TIMEOUT_MS,
  describePlan,
  describeTarget,
  type KillConsent,
  type KillSignal,
  type KillTable,
  type KillTarget,
  planKill,
  refuse,
} from '../model/kill.js';
import type { Port } from '../model/port.js';
import { listenersByPort } from '../model/status.js';
import type { ContainerDirectory, Listener, ProcessControl, Scanner } from '../ports.js';
import { sleep as realSleep } from '../store/fs.js';

/** After KILL the kernel releases the socket as the process dies; this only bounds the wait. */
const AFTER_KILL_MS = 2000;
const POLL_MS = 100;

export interface KillDeps {
  readonly scanner: Scanner;
  readonly control: ProcessControl;
  /** Stops a container whose forwarder holds the port; without it such a port is refused. */
  readonly containers?: ContainerDirectory;
  /** A process's PM_SERVICE marker (the environment `pm run` gave it), where readable. */
  readonly markerOf?: (pid: number) => string | undefined;
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
  readonly consent?: KillConsent;
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

async function listenersOn(scanner: Scanner, port: Port, allHolders = false): Promise<Listener[]> {
  const scan = await scanner.scan({ attribute: (candidate) => candidate === port, allHolders });
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
  markerOf?: (pid: number) => string | undefined,
): Promise<KillTable> {
  const processes = new Map<number, { startTime?: number; uid?: number; marker?: string }>();
  for (const listener of listeners) {
    const pid = listener.pid;
    if (pid === undefined || processes.has(pid)) continue;
    const startTime = await control.startTime(pid);
    const uid = listener.uid ?? (await control.uidOf(pid));
    const marker = markerOf?.(pid);
    processes.set(pid, {
      ...(startTime !== undefined ? { startTime } : {}),
      ...(uid !== undefined ? { uid } : {}),
      ...(marker !== undefined ? { marker } : {}),
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
  deps: Pick<KillDeps, 'scanner' | 'control' | 'containers' | 'markerOf'>,
  port: Port,
  options: Pick<KillOptions, 'signal' | 'consent'> = {},
): Promise<KillPlan> {
  // Every holder: a socket shared across fork stays open until each one has exited.
  const listeners = await listenersOn(deps.scanner, port, true);
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
      ? planKill(
          port,
          others,
          await killTable(deps.control, others, deps.markerOf),
          options.consent,
        )
      : [];
  return { port, targets, containers };
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
