// The one set of test doubles: a scanner the test controls, an unavailable one, listeners,
// and Deps over a real registry file with a bind probe that refuses chosen ports.
import type { Deps } from '../../src/core/actions/index.js';
import type { Listener, Scanner, ScanOutcome } from '../../src/core/ports.js';
import { RegistryStore } from '../../src/core/store/registry-store.js';
import { testStoreSystem } from './store-system.js';

export interface FakeScanner extends Scanner {
  /** Replaces what the next scans report. */
  set(outcome: ScanOutcome | readonly Listener[]): void;
  readonly calls: number;
  /** The most scans that were ever running at the same time. */
  readonly maxConcurrent: number;
}

export function fakeScanner(
  initial: ScanOutcome | readonly Listener[] = [],
  options: { readonly latencyMs?: number; readonly backend?: string } = {},
): FakeScanner {
  const toOutcome = (value: ScanOutcome | readonly Listener[]): ScanOutcome =>
    Array.isArray(value) ? { ok: true, listeners: [...value] } : (value as ScanOutcome);
  let outcome = toOutcome(initial);
  let calls = 0;
  let running = 0;
  let maxConcurrent = 0;
  return {
    backend: options.backend ?? 'fake',
    set(next) {
      outcome = toOutcome(next);
    },
    get calls() {
      return calls;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
    async scan() {
      calls++;
      running++;
      maxConcurrent = Math.max(maxConcurrent, running);
      try {
        // A scan that takes a while, so overlapping refreshes would be visible.
        if (options.latencyMs)
          await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        return outcome;
      } finally {
        running--;
      }
    },
  };
}

export function unavailable(reason = 'no scanner here'): Scanner {
  return { backend: 'none', scan: async () => ({ ok: false, reason }) };
}

export function tcp(port: number, pid?: number, process?: string, address = '127.0.0.1'): Listener {
  return {
    protocol: 'tcp',
    family: address.includes(':') ? 'ipv6' : 'ipv4',
    address,
    port,
    ...(pid !== undefined ? { pid } : {}),
    ...(process !== undefined ? { process } : {}),
  };
}

/** Deps over a real registry (a path or a store), a fake scanner and a probe that refuses `busy`. */
export function testDeps(
  registry: string | RegistryStore,
  options: { listeners?: Listener[]; busy?: number[]; scanner?: Scanner } = {},
): Deps & { probed: number[] } {
  const busy = new Set(options.busy ?? []);
  const probed: number[] = [];
  return {
    store:
      typeof registry === 'string'
        ? new RegistryStore({ ...testStoreSystem(), path: registry })
        : registry,
    scanner: options.scanner ?? fakeScanner(options.listeners ?? []),
    probe: async (port) => {
      probed.push(port);
      return !busy.has(port);
    },
    probed,
  };
}

/** One process in a fake process table. */
export interface FakeProcess {
  startTime?: number;
  uid?: number;
  ppid?: number;
  /** What signalling it answers ('sent' by default). */
  answer?: 'sent' | 'gone' | 'denied' | 'unsupported';
}

export interface FakeControl {
  readonly self: { readonly pid: number; readonly uid?: number };
  readonly table: Map<number, FakeProcess>;
  /** Every signal sent, in order: [pid, signal]. */
  readonly sent: [number, string][];
  startTime(pid: number): Promise<number | undefined>;
  parentPid(pid: number): Promise<number | undefined>;
  uidOf(pid: number): Promise<number | undefined>;
  signal(pid: number, signal: string): Promise<'sent' | 'gone' | 'denied' | 'unsupported'>;
}

/**
 * A process table the test writes, for kill's refusal paths: no real process is ever
 * signalled. `onSignal` lets the test react (e.g. drop the listener from a fake scanner).
 */
export function fakeControl(
  self: { pid: number; uid?: number },
  table: Record<number, FakeProcess>,
  onSignal: (pid: number, signal: string) => void = () => {},
): FakeControl {
  const processes = new Map(Object.entries(table).map(([pid, facts]) => [Number(pid), facts]));
  const sent: [number, string][] = [];
  return {
    self,
    table: processes,
    sent,
    startTime: async (pid) => processes.get(pid)?.startTime,
    parentPid: async (pid) => processes.get(pid)?.ppid,
    uidOf: async (pid) => processes.get(pid)?.uid,
    async signal(pid, signal) {
      const answer = processes.get(pid)?.answer ?? (processes.has(pid) ? 'sent' : 'gone');
      if (answer === 'sent') {
        sent.push([pid, signal]);
        onSignal(pid, signal);
      }
      return answer;
    },
  };
}
