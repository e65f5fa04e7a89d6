// `pm prune`: a project whose recorded directory is gone (a deleted checkout, a removed git
// worktree) holds ports nobody will use again. Projects without a recorded path are listed,
// never freed: pm cannot tell whether they are still in use.
import { statSync } from 'node:fs';
import type { Port } from '../model/port.js';
import { type Registry, withoutProject } from '../model/registry.js';
import type { Deps } from '../ports.js';

export interface PrunedProject {
  readonly project: string;
  readonly path: string;
  readonly worktreeOf?: string;
  readonly services: readonly { readonly service: string; readonly port: Port }[];
}

export interface PruneResult {
  /** Freed, or with `dryRun` what would be. */
  readonly gone: readonly PrunedProject[];
  /** Projects holding ports with no recorded path. */
  readonly unrecorded: readonly string[];
  readonly dryRun: boolean;
}

export interface PruneDeps extends Pick<Deps, 'store'> {
  /** Whether the directory is still there; an unreadable one counts as present. */
  readonly exists?: (path: string) => boolean;
}

export function directoryExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

export async function prune(
  deps: PruneDeps,
  options: { readonly dryRun?: boolean } = {},
): Promise<PruneResult> {
  const exists = deps.exists ?? directoryExists;
  const dryRun = options.dryRun === true;
  const { registry: seen } = await deps.store.read();
  const preview = survey(seen, exists, dryRun);
  if (dryRun || preview.gone.length === 0) return preview;
  return deps.store.transaction((registry) => {
    // Surveyed again under the lock: another pm may have changed the registry meanwhile.
    const result = survey(registry, exists, false);
    let next = registry;
    for (const { project } of result.gone) next = withoutProject(next, project);
    return { registry: next, result };
  });
}

function survey(
  registry: Registry,
  exists: (path: string) => boolean,
  dryRun: boolean,
): PruneResult {
  const gone: PrunedProject[] = [];
  const unrecorded: string[] = [];
  for (const name of [...registry.projects.keys()].sort()) {
    const entry = registry.projects.get(name)!;
    if (entry.path === undefined) {
      if (entry.ports.size > 0) unrecorded.push(name);
      continue;
    }
    if (exists(entry.path)) continue;
    gone.push({
      project: name,
      path: entry.path,
      ...(entry.worktreeOf !== undefined ? { worktreeOf: entry.worktreeOf } : {}),
      services: [...entry.ports.keys()].sort().map((service) => ({
        service,
        port: entry.ports.get(service)!,
      })),
    });
  }
  return { gone, unrecorded, dryRun };
}
