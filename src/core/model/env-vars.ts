// The environment a project's services see: their own port under one name, and every
// sibling's port and URL under <SERVICE>_PORT and <SERVICE>_URL, so a front end finds its API
// without being told.
import { PmError } from '../errors.js';
import { compareNames } from './names.js';
import type { Port } from './port.js';
import { serviceUrl, serviceUrlName } from './urls.js';

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

/**
 * `<SERVICE>_URL` for each service pm proxy names (service order): the proxy's URL replaces
 * the localhost one, as urls.ts means a later way of naming services to, so every front end
 * reaches its siblings by name while the proxy runs.
 */
export function withUrls(vars: Variables, urls: ReadonlyMap<string, string>): Variables {
  const all = new Map(vars);
  for (const service of [...urls.keys()].sort(compareNames)) {
    all.set(serviceUrlName(service), urls.get(service) as string);
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

/**
 * What a manifest says about a project's variables, beyond the defaults: a service's own
 * variable name (`env`), the extra prefix its variables are also published under
 * (`env_prefix`, e.g. VITE_) and its URL template (`url`).
 */
export interface EnvWiring {
  readonly project: string;
  /** Only where the name differs from `<SERVICE>_PORT`. */
  readonly envNames?: EnvNames;
  /** Per service; '' or absent: no prefixed copies. */
  readonly prefixes?: ReadonlyMap<string, string>;
  readonly urlTemplates?: ReadonlyMap<string, string>;
}

/** The wiring without the manifest's own env names: those are `pm run`'s only. */
function withoutEnvNames(wiring: EnvWiring): EnvWiring {
  return {
    project: wiring.project,
    ...(wiring.prefixes !== undefined ? { prefixes: wiring.prefixes } : {}),
    ...(wiring.urlTemplates !== undefined ? { urlTemplates: wiring.urlTemplates } : {}),
  };
}

/** Adds a variable unless the name is already set: earlier entries win. */
function add(into: Map<string, string>, name: string, value: string): void {
  if (!into.has(name)) into.set(name, value);
}

/**
 * One service's variables: `<SERVICE>_PORT`, `<SERVICE>_URL`, the manifest's own name, then
 * the prefixed copies (VITE_API_PORT, VITE_API_URL) a front-end bundler exposes to its client.
 */
function addService(into: Map<string, string>, entry: ServicePort, wiring?: EnvWiring): void {
  const port = String(entry.port);
  const url = urlOf(entry, wiring);
  const portName = servicePortName(entry.service);
  const urlName = serviceUrlName(entry.service);
  add(into, portName, port);
  add(into, urlName, url);
  const declared = wiring?.envNames?.get(entry.service);
  if (declared !== undefined) add(into, declared, valueFor(declared, port, url));
  const prefix = wiring?.prefixes?.get(entry.service) ?? '';
  if (prefix !== '') {
    add(into, `${prefix}${portName}`, port);
    add(into, `${prefix}${urlName}`, url);
  }
}

function urlOf(entry: ServicePort, wiring: EnvWiring | undefined): string {
  return serviceUrl({
    project: wiring?.project ?? '',
    service: entry.service,
    port: entry.port,
    ...templateOf(wiring, entry.service),
  });
}

/** A name ending in _URL (a manifest may declare `env = "API_URL"`) holds the URL, not the port. */
function valueFor(name: string, port: string, url: string): string {
  return name.endsWith('_URL') ? url : port;
}

function templateOf(wiring: EnvWiring | undefined, service: string): { template?: string } {
  const template = wiring?.urlTemplates?.get(service);
  return template === undefined ? {} : { template };
}

/**
 * What `pm run` sets for `service`: its own port under `name` (default PORT), then every
 * service's variables in service order. The own name comes first and wins a clash
 * (`--env API_PORT` for web keeps web's port), because the user asked for it explicitly.
 */
export function runVariables(
  services: readonly ServicePort[],
  service: string,
  ownName = 'PORT',
  wiring?: EnvWiring,
): Variables {
  const own = services.find((entry) => entry.service === service);
  const vars = new Map<string, string>();
  if (own) add(vars, ownName, valueFor(ownName, String(own.port), urlOf(own, wiring)));
  for (const entry of byService(services)) addService(vars, entry, wiring);
  return [...vars];
}

/**
 * What `pm env` prints for a whole project: every service's <SERVICE>_PORT and <SERVICE>_URL
 * (first service wins a clash), in service order, so the output (and a fenced .env block) is
 * stable from run to run, with the prefixed copies and URL templates of the project's manifest.
 * A manifest's own name for a service (`env = "PORT"`) is left out: a file every service reads
 * would hand that name to all of them, and the output would depend on where pm runs.
 */
export function projectVariables(services: readonly ServicePort[], wiring?: EnvWiring): Variables {
  const vars = new Map<string, string>();
  const shared = wiring === undefined ? undefined : withoutEnvNames(wiring);
  for (const entry of byService(services)) addService(vars, entry, shared);
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

/** Ports, and URLs made only of these, need no quotes in a dotenv file or a shell. */
const PLAIN_VALUE = /^[A-Za-z0-9_./:@%+,=-]*$/;

/**
 * NAME=value lines. A URL template may hold `?`, `&` or `*`: such a value is quoted (a manifest's
 * template never contains a quote, a `$`, a backslash or a `#`, so the quotes are enough).
 */
export function dotenvLines(vars: Variables): string[] {
  return vars.map(([name, value]) => `${name}=${PLAIN_VALUE.test(value) ? value : `"${value}"`}`);
}

/** As a JSON object: a port is a number, a URL a string. */
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
      return vars
        .map(([name, value]) => `export ${name}=${PLAIN_VALUE.test(value) ? value : `'${value}'`}`)
        .join('\n');
    default:
      return dotenvLines(vars).join('\n');
  }
}
