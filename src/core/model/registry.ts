// The registry model and the pure rules over it. Nothing here touches the disk, the network
// or the clock: store.ts reads and writes, actions.ts combines both with the live checks.
import { PmError } from '../errors.js';
import { compareNames } from './names.js';
import type { Port, PortRange } from './port.js';
import { formatRange } from './port.js';
import { isBrowserUnsafePort } from './unsafe-ports.js';

/** Keys pm does not know are kept as read and written back, so a hand edit is never lost. */
export type Extra = Readonly<Record<string, unknown>>;

export interface Defaults {
  readonly range: PortRange;
  /** Never suggested or auto-allocated (sorted, distinct). */
  readonly exclude: readonly Port[];
  readonly extra: Extra;
}

export interface Project {
  /** Lets pm infer the project from the working directory, and mark foreign listeners. */
  readonly path?: string;
  /** Set on a linked git worktree's entry: the project it is a worktree of (README, "Projects, manifests and worktrees"). */
  readonly worktreeOf?: string;
  readonly ports: ReadonlyMap<string, Port>;
  readonly extra: Extra;
}

export interface Registry {
  readonly version: 1;
  readonly defaults: Defaults;
  readonly projects: ReadonlyMap<string, Project>;
  readonly extra: Extra;
}

export interface Allocation {
  readonly project: string;
  readonly service: string;
  readonly port: Port;
}

export const DEFAULT_RANGE: PortRange = { start: 3000, end: 9999 };

export function emptyRegistry(): Registry {
  return {
    version: 1,
    defaults: { range: DEFAULT_RANGE, exclude: [], extra: {} },
    projects: new Map(),
    extra: {},
  };
}

/** Every allocation, ordered by project then service: the order of every table pm prints. */
export function allocations(registry: Registry): Allocation[] {
  const rows: Allocation[] = [];
  for (const [project, entry] of sortedEntries(registry.projects)) {
    for (const [service, port] of sortedEntries(entry.ports)) {
      rows.push({ project, service, port });
    }
  }
  return rows;
}

export function findPort(registry: Registry, project: string, service: string): Port | undefined {
  return registry.projects.get(project)?.ports.get(service);
}

export function ownerOf(registry: Registry, port: number): Allocation | undefined {
  for (const [project, entry] of registry.projects) {
    for (const [service, owned] of entry.ports) {
      if (owned === port) return { project, service, port: owned };
    }
  }
  return undefined;
}

export function allocatedPorts(registry: Registry): Set<number> {
  const ports = new Set<number>();
  for (const entry of registry.projects.values()) {
    for (const port of entry.ports.values()) ports.add(port);
  }
  return ports;
}

export function withAllocation(
  registry: Registry,
  project: string,
  service: string,
  port: Port,
): Registry {
  const owner = ownerOf(registry, port);
  if (owner && (owner.project !== project || owner.service !== service)) {
    // The caller checks ownership first; reaching this is a programming error, not user input.
    throw new Error(`port ${port} is already allocated to ${owner.project}/${owner.service}`);
  }
  const current = registry.projects.get(project);
  const ports = new Map(current?.ports ?? []);
  ports.set(service, port);
  const projects = new Map(registry.projects);
  projects.set(project, { ...(current ?? { extra: {} }), ports });
  return { ...registry, projects };
}

/** Removes one service; a project left without services and without other data is dropped. */
export function withoutService(registry: Registry, project: string, service: string): Registry {
  const current = registry.projects.get(project);
  if (!current?.ports.has(service)) return registry;
  const ports = new Map(current.ports);
  ports.delete(service);
  const projects = new Map(registry.projects);
  if (
    ports.size === 0 &&
    current.path === undefined &&
    current.worktreeOf === undefined &&
    Object.keys(current.extra).length === 0
  ) {
    projects.delete(project);
  } else {
    projects.set(project, { ...current, ports });
  }
  return { ...registry, projects };
}

export function withoutProject(registry: Registry, project: string): Registry {
  if (!registry.projects.has(project)) return registry;
  const projects = new Map(registry.projects);
  projects.delete(project);
  return { ...registry, projects };
}

export function withProjectPath(registry: Registry, project: string, path: string): Registry {
  const current = registry.projects.get(project);
  const projects = new Map(registry.projects);
  projects.set(project, { ...(current ?? { ports: new Map(), extra: {} }), path });
  return { ...registry, projects };
}

/** Records where a project lives and, for a linked worktree, the project it belongs to. */
export function withProjectPlace(
  registry: Registry,
  project: string,
  place: { readonly path: string; readonly worktreeOf?: string },
): Registry {
  const current = registry.projects.get(project);
  const { worktreeOf: _dropped, ...rest } = current ?? { ports: new Map(), extra: {} };
  const projects = new Map(registry.projects);
  projects.set(project, {
    ...rest,
    path: place.path,
    ...(place.worktreeOf !== undefined ? { worktreeOf: place.worktreeOf } : {}),
  });
  return { ...registry, projects };
}

export function withDefaults(
  registry: Registry,
  change: { readonly range?: PortRange; readonly exclude?: readonly Port[] },
): Registry {
  return {
    ...registry,
    defaults: {
      ...registry.defaults,
      ...(change.range ? { range: change.range } : {}),
      ...(change.exclude ? { exclude: [...new Set(change.exclude)].sort((a, b) => a - b) } : {}),
    },
  };
}

/**
 * Ports the registry allows handing out, lowest first, starting at `from` (clamped into the
 * range). Live checks (listeners, bind probe) are applied by the caller.
 */
export function* candidatePorts(registry: Registry, from?: number): Generator<Port> {
  const { start, end } = registry.defaults.range;
  const taken = allocatedPorts(registry);
  const excluded = new Set(registry.defaults.exclude);
  for (let port = Math.max(start, from ?? start); port <= end; port++) {
    if (!taken.has(port) && !excluded.has(port) && !isBrowserUnsafePort(port)) yield port;
  }
}

/** Returns the first candidate the live check accepts, or a RANGE_EXHAUSTED error. */
export async function pickFreePort(
  registry: Registry,
  isFree: (port: Port) => Promise<boolean>,
  from?: number,
): Promise<Port> {
  for (const port of candidatePorts(registry, from)) {
    if (await isFree(port)) return port;
  }
  const range = formatRange(registry.defaults.range);
  const fromText =
    from !== undefined && from > registry.defaults.range.start ? ` from ${from}` : '';
  throw new PmError(
    'RANGE_EXHAUSTED',
    `no free port in ${range}${fromText}: every port is allocated, excluded, unsafe for browsers or in use`,
    [
      {
        kind: 'widen-range',
        range: {
          start: registry.defaults.range.start,
          end: Math.min(65535, registry.defaults.range.end + 1000),
        },
      },
      { kind: 'free-ports' },
    ],
  );
}

function sortedEntries<V>(map: ReadonlyMap<string, V>): [string, V][] {
  return [...map.entries()].sort(([a], [b]) => compareNames(a, b));
}

/** The same directory, written with or without a trailing separator. */
export function samePath(a: string, b: string): boolean {
  return withoutTrailingSeparator(a) === withoutTrailingSeparator(b);
}

function withoutTrailingSeparator(path: string): string {
  return path.replace(/[\\/]+$/, '');
}

/** Whether `dir` is `root` or below it (a sibling like /src/shop-old is not inside /src/shop). */
export function isInside(dir: string, root: string): boolean {
  const child = withoutTrailingSeparator(dir);
  const parent = withoutTrailingSeparator(root);
  return child === parent || child.startsWith(`${parent}/`) || child.startsWith(`${parent}\\`);
}

/** The project whose recorded path holds `dir`; the deepest one when paths nest. */
export function projectAt(registry: Registry, dir: string): string | undefined {
  let best: { name: string; depth: number } | undefined;
  for (const [name, project] of registry.projects) {
    if (project.path === undefined || !isInside(dir, project.path)) continue;
    if (!best || project.path.length > best.depth) best = { name, depth: project.path.length };
  }
  return best?.name;
}
