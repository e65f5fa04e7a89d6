// What `pm run` needs before anything starts: the service's port (allocated under
// the usual rules and lock if it has none), the variables for it and its siblings, and the
// command with a port flag for dev servers that ignore PORT.

import { PmError } from '../errors.js';
import { type Scripts, withPortFlag } from '../model/dev-servers.js';
import { type EnvNames, parseEnvName, runVariables, type Variables } from '../model/env-vars.js';
import type { Port } from '../model/port.js';
import { REGISTRY_VARIABLE, SERVICE_MARKER, serviceMarker } from '../model/status.js';
import { allocate, type Deps, projectPorts } from './index.js';

export interface RunRequest {
  readonly project: string;
  readonly service: string;
  readonly argv: readonly string[];
  /** The variable for the service's own port, as asked on the command line. */
  readonly envName?: string;
  /** Names declared by the project's manifest, per service. */
  readonly envNames?: EnvNames;
  readonly scripts: Scripts;
}

export interface RunPlan {
  readonly port: Port;
  readonly created: boolean;
  readonly warnings: readonly string[];
  /** Set for the child, in order; the marker last. */
  readonly variables: Variables;
  readonly argv: readonly string[];
  readonly appended?: { readonly server: string; readonly args: readonly string[] };
  /** The command already chooses a port (pm said so at start). */
  readonly pinned?: { readonly server: string; readonly port?: number };
}

export async function planRun(deps: Deps, request: RunRequest): Promise<RunPlan> {
  if (request.argv.length === 0 || request.argv[0] === '') {
    throw new PmError('USAGE', 'no command to run', 'name the command that starts the service');
  }
  const ownName = parseEnvName(request.envName ?? request.envNames?.get(request.service) ?? 'PORT');
  const allocated = await allocate(deps, { project: request.project, service: request.service });
  const services = await projectPorts(deps, allocated.project);
  const portPlan = withPortFlag(request.argv, allocated.port, request.scripts);
  return {
    port: allocated.port,
    created: allocated.created,
    warnings: allocated.warnings,
    variables: [
      ...runVariables(services, allocated.service, ownName),
      // The registry the marker belongs to; a pm the command runs uses it too.
      [REGISTRY_VARIABLE, deps.store.path],
      [SERVICE_MARKER, serviceMarker(allocated.project, allocated.service)],
    ],
    argv: portPlan.argv,
    ...(portPlan.appended ? { appended: portPlan.appended } : {}),
    ...(portPlan.pinned ? { pinned: portPlan.pinned } : {}),
  };
}
