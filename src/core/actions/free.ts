// Releasing ports: one service, a whole project, or whoever owns a port.

import { PmError } from '../errors.js';
import { compareNames, parseName } from '../model/names.js';
import type { Port } from '../model/port.js';
import {
  type Allocation,
  ownerOf,
  type Registry,
  withoutProject,
  withoutService,
} from '../model/registry.js';
import type { Deps } from '../ports.js';

export type FreeTarget =
  | { readonly kind: 'service'; readonly project: string; readonly service: string }
  | { readonly kind: 'project'; readonly project: string }
  | { readonly kind: 'port'; readonly port: Port };

export async function free(deps: Deps, target: FreeTarget): Promise<Allocation[]> {
  if (target.kind !== 'port') parseName(target.project, 'project');
  if (target.kind === 'service') parseName(target.service, 'service');
  return deps.store.transaction((registry) => {
    const freed = allocationsOf(registry, target);
    if (freed.length === 0) throw notFound(target);
    let next = registry;
    if (target.kind === 'project') next = withoutProject(registry, target.project);
    else for (const { project, service } of freed) next = withoutService(next, project, service);
    return { registry: next, result: freed };
  });
}

function allocationsOf(registry: Registry, target: FreeTarget): Allocation[] {
  if (target.kind === 'port') {
    const owner = ownerOf(registry, target.port);
    return owner ? [owner] : [];
  }
  const entry = registry.projects.get(target.project);
  if (!entry) return [];
  if (target.kind === 'service') {
    const port = entry.ports.get(target.service);
    return port === undefined ? [] : [{ project: target.project, service: target.service, port }];
  }
  return [...entry.ports]
    .sort(([a], [b]) => compareNames(a, b))
    .map(([service, port]) => ({ project: target.project, service, port }));
}

function notFound(target: FreeTarget): PmError {
  switch (target.kind) {
    case 'port':
      return new PmError('NOT_FOUND', `port ${target.port} is not allocated`, {
        kind: 'list-allocations',
      });
    case 'project':
      return new PmError('NOT_FOUND', `project '${target.project}' has no allocations`, {
        kind: 'list-allocations',
      });
    default:
      return new PmError('NOT_FOUND', `${target.project}/${target.service} is not allocated`, {
        kind: 'list-project',
        project: target.project,
      });
  }
}
