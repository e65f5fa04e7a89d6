// The one-line API for where ports are used (vite.config.ts, a server's entry, a test setup):
// `await port('web')` and `await env()`. Same registry, rules and lock as `pm allocate`; the
// project is inferred from the working directory like the CLI does when it is left out.
import { resolve } from 'node:path';
import { processSettings } from '../cli/settings.js';
import { allocate, type Deps, projectPorts } from '../core/actions/index.js';
import { isPmError, PmError } from '../core/errors.js';
import { projectVariables } from '../core/model/env-vars.js';
import { parseName } from '../core/model/names.js';
import { isPort, type Port } from '../core/model/port.js';
import { serviceUrl } from '../core/model/urls.js';
import { type ProjectContext, projectHere } from '../core/project/inference.js';
import { declaredChoice, type Manifest, projectEnvWiring } from '../core/project/manifest.js';
import { wordRemedies } from '../view/remedies.js';
import { createDeps } from '../wiring.js';

export interface PortOptions {
  /** The directory the project is inferred from; relative to `process.cwd()`, the default. */
  readonly cwd?: string;
  /** The registry file. Default: `$PM_REGISTRY`, else the per-user one (like the CLI). */
  readonly registry?: string;
  /** For a service without a port yet: search from this port up (like `--prefer`). */
  readonly prefer?: number;
}

export type EnvOptions = Omit<PortOptions, 'prefer'>;

/** `NAME: "port"` for every service of a project, e.g. `{ API_PORT: '3001', WEB_PORT: '3000' }`. */
export type PortEnv = Record<string, string>;

/**
 * The port of a service, allocated on first use (idempotent, like `pm allocate`).
 * `port('web')` infers the project from the working directory; `port('shop', 'web')` names it.
 * Rejects with a PmError when it cannot: `code` as in the CLI's --json errors, `remedies` as
 * data, and a message that ends with what to do next.
 */
export function port(service: string, options?: PortOptions): Promise<number>;
export function port(project: string, service: string, options?: PortOptions): Promise<number>;
export async function port(
  first: string,
  second?: string | PortOptions,
  third?: PortOptions,
): Promise<number> {
  return explained(async () => (await allocated(first, second, third)).port);
}

/**
 * The URL of a service, e.g. `http://localhost:3000` (a manifest's `url` template where the
 * project's .pm.toml declares one): its port as `port()` gives it, allocated on first use.
 * For Playwright's `webServer.url` and `use.baseURL` (docs/wiring.md).
 */
export function url(service: string, options?: PortOptions): Promise<string>;
export function url(project: string, service: string, options?: PortOptions): Promise<string>;
export async function url(
  first: string,
  second?: string | PortOptions,
  third?: PortOptions,
): Promise<string> {
  return explained(async () => {
    const { project, service, port, manifest } = await allocated(first, second, third);
    const template = manifest?.services.find((entry) => entry.service === service)?.url;
    return serviceUrl({ project, service, port, ...(template !== undefined ? { template } : {}) });
  });
}

/** port() and url(): the service's allocation, and the manifest of an inferred project. */
async function allocated(
  first: string,
  second: string | PortOptions | undefined,
  third: PortOptions | undefined,
): Promise<{ project: string; service: string; port: Port; manifest?: Manifest }> {
  const [named, service, options] =
    typeof second === 'string' ? [first, second, third ?? {}] : [undefined, first, second ?? {}];
  parseName(service, 'service');
  const prefer = options.prefer === undefined ? undefined : checkedPort(options.prefer);
  const deps = apiDeps(options);
  // An inferred project gets its place recorded and its manifest's `prefer`, as in the CLI.
  const here =
    named === undefined
      ? await projectOf(deps, options, `port('<project>', '${service}')`)
      : undefined;
  const result = await allocate(deps, {
    project: named ?? (here as ProjectContext).project,
    service,
    ...(here ? { path: here.path } : {}),
    ...(here?.worktreeOf !== undefined ? { worktreeOf: here.worktreeOf } : {}),
    ...declaredChoice(here?.manifest, service),
    ...(prefer === undefined ? {} : { prefer }),
  });
  return {
    project: result.project,
    service: result.service,
    port: result.port,
    ...(here?.manifest ? { manifest: here.manifest } : {}),
  };
}

/**
 * The variables `pm env` prints for a project: `<SERVICE>_PORT` and `<SERVICE>_URL` for each of its services,
 * as strings ready to spread into `process.env` or a child's `env`. Allocates nothing.
 */
export function env(options?: EnvOptions): Promise<PortEnv>;
export function env(project: string, options?: EnvOptions): Promise<PortEnv>;
export async function env(first?: string | EnvOptions, second?: EnvOptions): Promise<PortEnv> {
  const [named, options] =
    typeof first === 'string' ? [first, second ?? {}] : [undefined, first ?? {}];
  return explained(async () => {
    const deps = apiDeps(options);
    const here =
      named === undefined ? await projectOf(deps, options, "env('<project>')") : undefined;
    const project = named ?? (here as ProjectContext).project;
    const services = await projectPorts(deps, project);
    return Object.fromEntries(projectVariables(services, await projectEnvWiring(deps, project)));
  });
}

/** The CLI's wiring. The scanner loads koffi only when a scan is needed (a new service). */
function apiDeps(options: EnvOptions): Deps {
  return createDeps(processSettings({ registry: options.registry }));
}

/**
 * A config file usually lets the error escape, and then its message is all anyone reads: the
 * one-line API adds what to do next (the CLI's words) to it. Code and remedies stay as they are.
 */
async function explained<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const hint = isPmError(error) ? wordRemedies(error.remedies, 'cli') : undefined;
    if (!isPmError(error) || hint === undefined) throw error;
    throw new PmError(error.code, `${error.message} (${hint})`, error.remedies, { cause: error });
  }
}

/** Without a project here, the error names the call to write instead of the CLI's command. */
function projectOf(deps: Pick<Deps, 'store'>, options: EnvOptions, namedCall: string) {
  return projectHere(deps.store, resolve(options.cwd ?? '.'), [
    { kind: 'text', text: `name the project: ${namedCall}` },
    { kind: 'declare-manifest' },
  ]);
}

function checkedPort(value: number): Port {
  if (isPort(value)) return value;
  throw new PmError(
    'INVALID_PORT',
    `invalid prefer '${value}': a port is a whole number from 1 to 65535`,
  );
}
