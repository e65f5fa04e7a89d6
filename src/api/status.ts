// The API's read side: what `pm status --json` and `pm query <project> --json` answer, as values.
// Its types are written out here, apart from core's, so the package's declarations stay a small
// surface a caller can rely on (docs/api.md) and need nothing of Node's own types.
import { processSettings } from '../cli/settings.js';
import { type Deps, queryProject, status as statusOfAll } from '../core/actions/index.js';
import { createDeps } from '../wiring.js';

/** What a service's port is doing now (docs/cli.md, `pm status`). */
export type ServiceState = 'active' | 'idle' | 'conflict' | 'moved' | 'unknown';

/** A socket bound to a port: a TCP listener or a bound UDP socket. */
export interface PortListener {
  readonly protocol: 'tcp' | 'udp';
  readonly family: 'ipv4' | 'ipv6';
  /** The local address as a user would type it: '127.0.0.1', '0.0.0.0', '::1', '::'. */
  readonly address: string;
  readonly port: number;
  /** Unknown when the OS hides it (another user's process without privileges). */
  readonly pid?: number;
  /** The kernel's name for the executable ('node', 'python3'). */
  readonly process?: string;
  /** The program the process runs (`vite`, not `node`), where pm can tell. */
  readonly program?: string;
  readonly uid?: number;
  /** The owner's argv, where the OS lets pm read it. Text the process chose: sanitize it. */
  readonly command?: readonly string[];
}

/** One allocated service and the live state of its port. */
export interface ServiceStatus {
  readonly project: string;
  readonly service: string;
  readonly port: number;
  readonly state: ServiceState;
  /** For a linked git worktree's project: the project it belongs to. */
  readonly worktreeOf?: string;
  /** The sockets holding the port (usually one process). */
  readonly listeners: readonly PortListener[];
  /** State `moved`: the port the service's own process listens on instead. */
  readonly moved?: { readonly port: number; readonly listeners: readonly PortListener[] };
}

/** A project's services, sorted by service. */
export interface ProjectStatus {
  readonly project: string;
  /** The directory the project was last used from, when pm knows it. */
  readonly path?: string;
  readonly services: readonly ServiceStatus[];
}

export interface StatusOptions {
  /** The registry file. Default: `$PM_REGISTRY`, else the per-user one (like the CLI). */
  readonly registry?: string;
}

/** Every allocated service with its live state, as `pm status --json` lists them. */
export async function status(options: StatusOptions = {}): Promise<readonly ServiceStatus[]> {
  return (await statusOfAll(apiDeps(options))).rows;
}

/** One project's services with their live state; NOT_FOUND when it has none. */
export async function query(project: string, options: StatusOptions = {}): Promise<ProjectStatus> {
  const { path, services } = await queryProject(apiDeps(options), project);
  return { project, ...(path === undefined ? {} : { path }), services };
}

function apiDeps(options: StatusOptions): Deps {
  return createDeps(processSettings({ registry: options.registry }));
}
