// `pm up`: every service a manifest declares gets its port in one transaction, so a failure
// part-way (no free port left) leaves the registry exactly as it was.

import { compareNames, parseName } from '../model/names.js';
import type { Port } from '../model/port.js';
import {
  pickFreePort,
  type Registry,
  withAllocation,
  withoutService,
  withProjectPlace,
} from '../model/registry.js';
import type { Deps } from '../ports.js';
import type { ManifestService } from '../project/manifest.js';
import { isFreeNow } from './allocate.js';

export interface UpRequest {
  readonly project: string;
  /** The project's directory, recorded so commands run inside it find it again. */
  readonly path: string;
  readonly worktreeOf?: string;
  readonly services: readonly ManifestService[];
  /** Free the services the registry holds for the project but the manifest no longer names. */
  readonly prune?: boolean;
}

export interface UpService {
  readonly service: string;
  readonly port: Port;
  readonly env: string;
  /** False when the service already had its port (up is idempotent). */
  readonly created: boolean;
}

export interface UpResult {
  readonly project: string;
  readonly path: string;
  readonly worktreeOf?: string;
  /** In the manifest's order (sorted by name). */
  readonly services: readonly UpService[];
  /** Allocated to the project but not declared: freed when `pruned`, else only reported. */
  readonly undeclared: readonly { readonly service: string; readonly port: Port }[];
  readonly pruned: boolean;
  /**
   * Where the project was recorded before, when that was elsewhere: the checkout moved, or two
   * checkouts declare one project name and would share its ports.
   */
  readonly previousPath?: string;
}

export async function up(deps: Deps, request: UpRequest): Promise<UpResult> {
  const project = parseName(request.project, 'project');
  if (request.worktreeOf !== undefined) parseName(request.worktreeOf, 'project');

  // Fast path, no lock and no scan: everything is in place already (the common second run).
  const { registry: seen } = await deps.store.read();
  const settled = outcome(seen, request, project);
  if (settled.complete) return settled.result;

  const scan = await deps.scanner.scan({ attribute: () => false });
  const free = isFreeNow(deps, scan);
  return deps.store.transaction<UpResult>(async (registry) => {
    let next = withProjectPlace(registry, project, {
      path: request.path,
      ...(request.worktreeOf !== undefined ? { worktreeOf: request.worktreeOf } : {}),
    });
    const created = new Set<string>();
    for (const { service, prefer } of request.services) {
      if (next.projects.get(project)?.ports.has(service)) continue;
      // `next` already holds the ports taken a moment ago, so two services never share one.
      const port = await pickFreePort(next, free, prefer);
      next = withAllocation(next, project, service, port);
      created.add(service);
    }
    const { result: settledResult } = outcome(next, request, project, created);
    const before = registry.projects.get(project)?.path;
    const result =
      before !== undefined && before !== request.path
        ? { ...settledResult, previousPath: before }
        : settledResult;
    if (request.prune) {
      for (const { service } of result.undeclared) next = withoutService(next, project, service);
    }
    return { registry: next, result };
  });
}

/** What the registry says about the request; `complete` when nothing needs writing. */
function outcome(
  registry: Registry,
  request: UpRequest,
  project: string,
  created: ReadonlySet<string> = new Set(),
): { readonly complete: boolean; readonly result: UpResult } {
  const entry = registry.projects.get(project);
  const services: UpService[] = [];
  let complete =
    entry !== undefined && entry.path === request.path && entry.worktreeOf === request.worktreeOf;
  for (const { service, env } of request.services) {
    const port = entry?.ports.get(service);
    if (port === undefined) complete = false;
    else services.push({ service, port, env, created: created.has(service) });
  }
  const declared = new Set(request.services.map(({ service }) => service));
  const undeclared = [...(entry?.ports ?? [])]
    .filter(([service]) => !declared.has(service))
    .sort(([a], [b]) => compareNames(a, b))
    .map(([service, port]) => ({ service, port }));
  if (request.prune && undeclared.length > 0) complete = false;
  return {
    complete,
    result: {
      project,
      path: request.path,
      ...(request.worktreeOf !== undefined ? { worktreeOf: request.worktreeOf } : {}),
      services,
      undeclared,
      pruned: request.prune === true,
    },
  };
}
