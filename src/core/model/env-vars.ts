// The environment a project's services see: their own port under one name, and every
// sibling's port under <SERVICE>_PORT, so a front end finds its API without being told.
import { PmError } from '../errors.js';
import { compareNames } from './names.js';
import type { Port } from './port.js';

export interface ServicePort {
  readonly service: string;
  readonly port: Port;
}

/** Per-service variable names declared by the project's manifest (`env = "..."`). */
export type EnvNames = ReadonlyMap<string, string>;

export type Variables = readonly (readonly [name: string, value: string])[];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name a shell and Docker Compose both accept as a variable. */
export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

/**
 * A name a manifest may give a service's port: PORT, or one ending in _PORT or _URL. A
 * manifest is committed by whoever wrote the repository, so it must not reach variables
 * that change what runs (PATH, BASH_ENV, LD_PRELOAD, NODE_OPTIONS, GIT_CONFIG_GLOBAL...).
 */
export function isPortVariableName(name: string): boolean {
  return isEnvName(name) && (name === 'PORT' || /._(PORT|URL)$/.test(name));
}

export const PORT_VARIABLE_RULE =
  'PORT, or a name ending in _PORT or _URL (e.g. WEB_PORT, API_URL)';

/** `api-gw` -> `API_GW_PORT`. Service names are already limited to letters, digits, _ and -. */
export function servicePortName(service: string): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_PORT`;
}

/** `api-gw` -> `API_GW_URL`: where a sibling reaches the service by name (pm proxy). */
export function serviceUrlName(service: string): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_URL`;
}

/**
 * `<SERVICE>_URL` for each service that has a URL (service order), after `vars`; a name
 * already set keeps its value.
 */
export function withUrls(vars: Variables, urls: ReadonlyMap<string, string>): Variables {
  const all = new Map(vars);
  for (const service of [...urls.keys()].sort(compareNames)) {
    const name = serviceUrlName(service);
    if (!all.has(name)) all.set(name, urls.get(service) as string);
  }
  return [...all];
}

/** A variable name a shell and Docker Compose both accept; anything else is refused. */
export function parseEnvName(name: string): string {
  if (isEnvName(name)) return name;
  throw new PmError(
    'USAGE',
    `invalid variable name '${JSON.stringify(name).slice(1, -1)}'`,
    'a variable name starts with a letter or "_", then letters, digits or "_" (e.g. PORT, WEB_PORT)',
  );
}

function byService(services: readonly ServicePort[]): ServicePort[] {
  return [...services].sort((a, b) => compareNames(a.service, b.service));
}

/** Adds a variable unless the name is already set: earlier entries win. */
function add(into: Map<string, string>, name: string, port: Port): void {
  if (!into.has(name)) into.set(name, String(port));
}

/**
 * What `pm run` sets for `service`: its own port under `name` (default PORT), then every
 * service's <SERVICE>_PORT in service order. The own name comes first and wins a clash
 * (`--env API_PORT` for web keeps web's port), because the user asked for it explicitly.
 */
export function runVariables(
  services: readonly ServicePort[],
  service: string,
  ownName = 'PORT',
): Variables {
  const own = services.find((entry) => entry.service === service);
  const vars = new Map<string, string>();
  if (own) add(vars, ownName, own.port);
  for (const entry of byService(services)) add(vars, servicePortName(entry.service), entry.port);
  return [...vars];
}

/**
 * What `pm env` prints for a whole project: <SERVICE>_PORT for every service, in service
 * order, so the output (and a fenced .env block) is stable from run to run. A manifest's own
 * name for a service (`env = "PORT"`) is left out: a file every service reads would hand
 * that name to all of them, and the output would depend on where pm runs.
 */
export function projectVariables(services: readonly ServicePort[]): Variables {
  const vars = new Map<string, string>();
  for (const entry of byService(services)) add(vars, servicePortName(entry.service), entry.port);
  return [...vars];
}

export type EnvFormat = 'dotenv' | 'shell' | 'json';
export const ENV_FORMATS: readonly EnvFormat[] = ['dotenv', 'shell', 'json'];

export function parseEnvFormat(value: string): EnvFormat {
  if ((ENV_FORMATS as readonly string[]).includes(value)) return value as EnvFormat;
  throw new PmError(
    'USAGE',
    `unknown format '${JSON.stringify(value).slice(1, -1)}'`,
    `the formats are ${ENV_FORMATS.join(', ')}`,
  );
}

/** Values are port numbers and URLs of DNS names, so no quoting is ever needed. */
export function dotenvLines(vars: Variables): string[] {
  return vars.map(([name, value]) => `${name}=${value}`);
}

/** As a JSON object: ports as numbers, URLs as strings. */
export function jsonVariables(vars: Variables): Record<string, number | string> {
  return Object.fromEntries(
    vars.map(([name, value]) => [name, /^\d+$/.test(value) ? Number(value) : value]),
  );
}

export function formatVariables(vars: Variables, format: EnvFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(jsonVariables(vars), null, 2);
    case 'shell':
      return vars.map(([name, value]) => `export ${name}=${value}`).join('\n');
    default:
      return dotenvLines(vars).join('\n');
  }
}
