// Deterministic dependencies for dashboard tests: a scanner the test controls, a real
// registry in a temporary directory, and a bind probe that says every port is free.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../../../src/core/actions.js';
import { RegistryStore } from '../../../src/core/store.js';
import type { Listener, Scanner, ScanOutcome } from '../../../src/native/types.js';

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
    Array.isArray(value) ? { ok: true, listeners: value } : (value as ScanOutcome);
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

export function listener(
  port: number,
  pid?: number,
  process?: string,
  address = '127.0.0.1',
): Listener {
  return {
    protocol: 'tcp',
    family: address.includes(':') ? 'ipv6' : 'ipv4',
    address,
    port,
    ...(pid === undefined ? {} : { pid }),
    ...(process === undefined ? {} : { process }),
  };
}

export interface TempRegistry {
  readonly dir: string;
  readonly path: string;
  readonly store: RegistryStore;
  /** Writes registry.toml directly, as a hand edit would. */
  write(text: string): Promise<void>;
  remove(): Promise<void>;
}

export async function tempRegistry(): Promise<TempRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-dashboard-'));
  const path = join(dir, 'registry.toml');
  return {
    dir,
    path,
    store: new RegistryStore({ path, lockTimeoutMs: 2000 }),
    write: (text) => writeFile(path, text),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A registry file with these allocations (project -> service -> port). */
export function registryToml(
  projects: Readonly<Record<string, Readonly<Record<string, number>>>>,
  range = { start: 3000, end: 9999 },
): string {
  const lines = [
    'version = 1',
    '',
    '[defaults]',
    `range_start = ${range.start}`,
    `range_end = ${range.end}`,
  ];
  for (const [project, services] of Object.entries(projects)) {
    lines.push('', `[projects.${project}.ports]`);
    for (const [service, port] of Object.entries(services)) lines.push(`${service} = ${port}`);
  }
  return `${lines.join('\n')}\n`;
}

export function testDeps(store: RegistryStore, scanner: Scanner): Deps {
  return { store, scanner, probe: async () => true };
}
