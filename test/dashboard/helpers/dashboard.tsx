// Starts the real App against a temporary registry and a fake scanner.

import type { Deps } from '../../../src/core/actions/index.js';
import { findPort } from '../../../src/core/model/registry.js';
import type { Listener, ScanOutcome } from '../../../src/core/ports.js';
import type { ActingPorts } from '../../../src/dashboard/effects/acting-requests.js';
import { App, type NoticeSource } from '../../../src/dashboard/ui/app.js';
import { type FakeScanner, fakeScanner, testDeps } from '../../helpers/fakes.js';
import { registryToml, type TempRegistry, tempRegistry } from './fixtures.js';
import { type Rendered, renderInk } from './render.js';

export interface DashboardHarness {
  readonly ui: Rendered;
  readonly registry: TempRegistry;
  readonly scanner: FakeScanner;
  readonly deps: Deps;
  close(): Promise<void>;
}

export interface DashboardSetup {
  readonly projects?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Raw registry text, for corrupt files. */
  readonly registryText?: string;
  readonly scan?: ScanOutcome | readonly Listener[];
  readonly scanLatencyMs?: number;
  /** Long by default: tests refresh with keys or registry changes, not the clock. */
  readonly intervalMs?: number;
  /** Told after every refresh (the real screen draws the clock with it). */
  readonly onRefreshed?: () => void;
  readonly notices?: NoticeSource;
  readonly onExitCode?: (code: number) => void;
  readonly columns?: number;
  readonly rows?: number;
  readonly deps?: (deps: Deps) => Deps;
  /** The terminal writer and browser opener (c, b). */
  readonly acting?: ActingPorts;
}

export async function startDashboard(setup: DashboardSetup = {}): Promise<DashboardHarness> {
  const registry = await tempRegistry();
  if (setup.registryText !== undefined) await registry.write(setup.registryText);
  else if (setup.projects) await registry.write(registryToml(setup.projects));
  const scanner = fakeScanner(setup.scan ?? [], { latencyMs: setup.scanLatencyMs ?? 0 });
  const base = testDeps(registry.store, { scanner });
  const deps = setup.deps ? setup.deps(base) : base;
  const ui = renderInk(
    <App
      deps={deps}
      registryPath={registry.path}
      intervalMs={setup.intervalMs ?? 60_000}
      color={false}
      {...(setup.onRefreshed ? { onRefreshed: setup.onRefreshed } : {})}
      {...(setup.notices ? { notices: setup.notices } : {})}
      {...(setup.onExitCode ? { onExitCode: setup.onExitCode } : {})}
      {...(setup.acting ? { acting: setup.acting } : {})}
    />,
    {
      ...(setup.columns === undefined ? {} : { columns: setup.columns }),
      ...(setup.rows === undefined ? {} : { rows: setup.rows }),
    },
  );
  return {
    ui,
    registry,
    scanner,
    deps,
    async close() {
      ui.unmount();
      await registry.remove();
    },
  };
}

/** The line of the table that shows this port, or undefined. */
export function rowOf(frame: string, port: number): string | undefined {
  return frame
    .split('\n')
    .find((line) => new RegExp(`\\s${port}\\s`).test(` ${line} `) && /^[› ] /.test(line));
}

/** The line the selection marker is on. */
export function selectedLine(frame: string): string | undefined {
  return frame.split('\n').find((line) => line.startsWith('› '));
}

/** What the registry file says this service's port is now. */
export async function portOf(
  harness: DashboardHarness,
  project: string,
  service: string,
): Promise<number | undefined> {
  const { registry } = await harness.registry.store.read();
  return findPort(registry, project, service);
}
