// .pm.toml: the services a repository declares (README, "Projects, manifests and worktrees"), and .pm.local.toml beside it,
// which overrides them per machine. Unlike the registry (which pm writes and keeps foreign keys
// of), a manifest is written by people, so an unknown key is a typo to report, not data to keep.

import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { PmError } from '../errors.js';
import {
  type EnvWiring,
  isEnvName,
  isPortVariableName,
  PORT_VARIABLE_RULE,
  servicePortName,
} from '../model/env-vars.js';
import { isValidName, NAME_RULE } from '../model/names.js';
import { isPort, type Port } from '../model/port.js';
import { isInside, type Registry } from '../model/registry.js';
import { isUrlTemplate } from '../model/urls.js';
import { codeFrame, describeValue as describe, isTable } from '../store/registry-file.js';
import { readRegularFile, refusalText } from './regular-file.js';
import { defaultSearchOptions, findUpward, type SearchOptions, trusted } from './repo-search.js';

export const MANIFEST_FILE = '.pm.toml';
export const LOCAL_MANIFEST_FILE = '.pm.local.toml';

export interface ManifestService {
  readonly service: string;
  /** The variable `pm run`/`pm env` set to the port. */
  readonly env: string;
  /** Search for a free port from here upward. */
  readonly prefer?: Port;
  /** Extra prefix the service's variables are also set under (its own, else the file's). */
  readonly envPrefix?: string;
  /** `url`: how the service is reached; `{port}` stands for its port. */
  readonly url?: string;
}

/** `hash`: a service's preferred port derived from its name (the same on every machine). */
export type PortStrategy = 'lowest' | 'hash';

export interface Manifest {
  /** The .pm.toml that was read. */
  readonly file: string;
  /** Its directory: the project's root, recorded as the project's path. */
  readonly dir: string;
  /** The .pm.local.toml that overrode it, when there was one. */
  readonly localFile?: string;
  /** As declared; absent means "the main worktree's directory name" (see project.ts). */
  readonly project?: string;
  /** Sorted by name. */
  readonly services: readonly ManifestService[];
  /** Absent: 'lowest', the registry's usual search from the range start. */
  readonly strategy?: PortStrategy;
}

export interface ManifestText {
  readonly file: string;
  readonly text: string;
}

const TOP_KEYS = ['project', 'services', 'env_prefix', 'strategy'] as const;
/** More services than any project has; a manifest asking for more could drain the range. */
export const MAX_SERVICES = 200;
const SERVICE_KEYS = ['env', 'prefer', 'env_prefix', 'url'] as const;
const STRATEGIES: readonly PortStrategy[] = ['lowest', 'hash'];

/** WEB_PORT for web, API_V2_PORT for api-v2: the variable a service gets unless it names one. */
export const defaultEnvName: (service: string) => string = servicePortName;

/**
 * Variable names the manifest declares (`env = "..."`), only where they differ from the
 * default `<SERVICE>_PORT`: an undeclared service still gets PORT from `pm run`.
 */
export function declaredEnvNames(manifest: Manifest | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const entry of manifest?.services ?? []) {
    if (entry.env !== servicePortName(entry.service)) names.set(entry.service, entry.env);
  }
  return names;
}

/** Where the search for a service's port starts, as its manifest says (`prefer`, `strategy`). */
export function declaredChoice(
  manifest: Manifest | undefined,
  service: string,
): { prefer?: Port; strategy?: PortStrategy } {
  const prefer = manifest?.services.find((entry) => entry.service === service)?.prefer;
  return {
    ...(prefer !== undefined ? { prefer } : {}),
    ...(manifest?.strategy !== undefined ? { strategy: manifest.strategy } : {}),
  };
}

/** How the manifest wires `project`'s variables: names, prefixes and URL templates. */
export function manifestWiring(manifest: Manifest | undefined, project: string): EnvWiring {
  const prefixes = new Map<string, string>();
  const urlTemplates = new Map<string, string>();
  for (const entry of manifest?.services ?? []) {
    if (entry.envPrefix !== undefined) prefixes.set(entry.service, entry.envPrefix);
    if (entry.url !== undefined) urlTemplates.set(entry.service, entry.url);
  }
  return { project, envNames: declaredEnvNames(manifest), prefixes, urlTemplates };
}

/**
 * The wiring `pm env` publishes for `project`: from the manifest at the project's recorded
 * root, not the caller's directory, so `pm env shop` prints the same wherever it runs. No
 * recorded root, no readable manifest, or one of another project: the defaults.
 */
export async function projectEnvWiring(
  deps: { readonly store: { read(): Promise<{ readonly registry: Registry }> } },
  project: string,
): Promise<EnvWiring> {
  const root = (await deps.store.read()).registry.projects.get(project)?.path;
  let manifest: Manifest | undefined;
  try {
    manifest = root === undefined ? undefined : loadManifest(root);
  } catch {
    manifest = undefined;
  }
  return manifestWiring(
    manifest !== undefined && (manifest.project ?? project) === project ? manifest : undefined,
    project,
  );
}

/** The nearest .pm.toml at or above `from` that pm may use (repo-search.ts), without reading it. */
export function findManifestFile(
  from: string,
  options: SearchOptions = defaultSearchOptions(),
): string | undefined {
  return findUpward(from, MANIFEST_FILE, options);
}

/** The manifest that governs `from`, merged with its local override; undefined when none. */
export function loadManifest(
  from: string,
  options: SearchOptions = defaultSearchOptions(),
): Manifest | undefined {
  const file = findManifestFile(from, options);
  if (file === undefined) return undefined;
  const main = readManifestText(file);
  if (main === undefined) return undefined;
  const localFile = join(dirname(file), LOCAL_MANIFEST_FILE);
  const local = trusted(localFile, options) ? readManifestText(localFile) : undefined;
  return parseManifest(main, local);
}

/**
 * A committed symlink could point a manifest at any file the user can read (`/etc/shadow`
 * as root), and a TOML error would quote its lines: a link must stay inside the manifest's
 * own directory, and one that does not is refused unread.
 */
function rejectLinkOut(file: string): void {
  let target: string;
  try {
    if (!lstatSync(file).isSymbolicLink()) return;
    target = realpathSync(file);
  } catch {
    return; // missing or dangling: readRegularFile says so
  }
  const dir = realpathSync(dirname(file));
  if (!isInside(target, dir))
    throw invalid(
      file,
      '',
      `it is a symbolic link to ${target}, outside ${dir}; pm reads a manifest only from inside the repository, so the file was not read`,
    );
}

function readManifestText(file: string): ManifestText | undefined {
  rejectLinkOut(file);
  const read = readRegularFile(file);
  if (read.ok) return { file, text: read.text };
  if (read.reason === 'missing') return undefined;
  const why = refusalText(read.reason);
  throw invalid(file, '', why);
}

type Table = Record<string, unknown>;

interface DeclaredService {
  readonly env?: string;
  readonly prefer?: Port;
  readonly envPrefix?: string;
  readonly url?: string;
}

interface Declared {
  readonly project?: string;
  readonly envPrefix?: string;
  readonly strategy?: PortStrategy;
  readonly services: ReadonlyMap<string, DeclaredService>;
}

/** Pure: the manifest in `main`, each key of `local` (if any) taking precedence. */
export function parseManifest(main: ManifestText, local?: ManifestText): Manifest {
  const base = readDeclared(main);
  const over = local ? readDeclared(local) : undefined;
  const names = new Set([...base.services.keys(), ...(over?.services.keys() ?? [])]);
  const services: ManifestService[] = [...names].sort().map((service) => {
    const a = base.services.get(service);
    const b = over?.services.get(service);
    const prefer = b?.prefer ?? a?.prefer;
    const envPrefix = b?.envPrefix ?? a?.envPrefix ?? over?.envPrefix ?? base.envPrefix;
    const url = b?.url ?? a?.url;
    return {
      service,
      env: b?.env ?? a?.env ?? defaultEnvName(service),
      ...(prefer !== undefined ? { prefer } : {}),
      ...(envPrefix !== undefined ? { envPrefix } : {}),
      ...(url !== undefined ? { url } : {}),
    };
  });
  if (services.length > MAX_SERVICES)
    throw invalid(
      local?.file ?? main.file,
      'services',
      `${services.length} services declared; a manifest may declare at most ${MAX_SERVICES}`,
    );
  rejectSharedEnv(services, local?.file ?? main.file);
  const project = over?.project ?? base.project;
  const strategy = over?.strategy ?? base.strategy;
  return {
    file: main.file,
    dir: dirname(main.file),
    ...(local ? { localFile: local.file } : {}),
    ...(project !== undefined ? { project } : {}),
    services,
    ...(strategy !== undefined ? { strategy } : {}),
  };
}

function readDeclared({ file, text }: ManifestText): Declared {
  let doc: Table;
  try {
    doc = parse(text, { integersAsBigInt: true, maxDepth: 16 }) as Table;
  } catch (error) {
    if (error instanceof TomlError) {
      const first = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '');
      throw invalid(file, `${error.line}:${error.column}`, first ?? '', codeFrame(error));
    }
    throw invalid(file, '', error instanceof Error ? error.message : String(error));
  }
  rejectUnknown(doc, TOP_KEYS, '', file);
  let project: string | undefined;
  if (doc.project !== undefined) {
    if (typeof doc.project !== 'string')
      throw invalid(file, 'project', `expected a name in quotes, found ${describe(doc.project)}`);
    if (!isValidName(doc.project))
      throw invalid(file, 'project', `invalid project name ${describe(doc.project)}: ${NAME_RULE}`);
    project = doc.project;
  }
  const services = new Map<string, DeclaredService>();
  if (doc.services !== undefined) {
    if (!isTable(doc.services))
      throw invalid(
        file,
        'services',
        `expected tables like [services.web], found ${describe(doc.services)}`,
      );
    for (const [service, entry] of Object.entries(doc.services)) {
      const keyPath = `services.${service}`;
      if (!isValidName(service)) throw invalid(file, keyPath, `invalid service name: ${NAME_RULE}`);
      if (!isTable(entry))
        throw invalid(file, keyPath, `expected a table ([${keyPath}]), found ${describe(entry)}`);
      rejectUnknown(entry, SERVICE_KEYS, keyPath, file);
      services.set(service, {
        ...readEnv(entry.env, `${keyPath}.env`, file),
        ...readPrefer(entry.prefer, `${keyPath}.prefer`, file),
        ...readPrefix(entry.env_prefix, `${keyPath}.env_prefix`, file),
        ...readUrl(entry.url, `${keyPath}.url`, file),
      });
    }
  }
  return {
    ...(project !== undefined ? { project } : {}),
    ...readPrefix(doc.env_prefix, 'env_prefix', file),
    ...readStrategy(doc.strategy, file),
    services,
  };
}

/** '' turns a file-wide prefix off for one service. */
function readPrefix(value: unknown, keyPath: string, file: string): { envPrefix?: string } {
  if (value === undefined) return {};
  if (typeof value !== 'string' || (value !== '' && !isEnvName(value))) {
    throw invalid(
      file,
      keyPath,
      `expected a variable-name prefix such as "VITE_" or "NEXT_PUBLIC_" (letters, digits and "_", not starting with a digit), found ${describe(value)}`,
    );
  }
  return { envPrefix: value };
}

function readUrl(value: unknown, keyPath: string, file: string): { url?: string } {
  if (value === undefined) return {};
  if (typeof value !== 'string' || !isUrlTemplate(value)) {
    throw invalid(
      file,
      keyPath,
      `expected a URL template such as "https://localhost:{port}/app" (a scheme, "://", then no spaces, quotes, "#", "$" or backslashes), found ${describe(value)}`,
    );
  }
  return { url: value };
}

function readStrategy(value: unknown, file: string): { strategy?: PortStrategy } {
  if (value === undefined) return {};
  if (typeof value !== 'string' || !(STRATEGIES as readonly string[]).includes(value)) {
    throw invalid(
      file,
      'strategy',
      `expected ${STRATEGIES.map((name) => `"${name}"`).join(' or ')}, found ${describe(value)}`,
    );
  }
  return { strategy: value as PortStrategy };
}

function readEnv(value: unknown, keyPath: string, file: string): { env?: string } {
  if (value === undefined) return {};
  if (typeof value !== 'string' || !isEnvName(value)) {
    throw invalid(
      file,
      keyPath,
      `expected a variable name (letters, digits and "_", not starting with a digit), found ${describe(value)}`,
    );
  }
  if (!isPortVariableName(value)) {
    throw invalid(
      file,
      keyPath,
      `${describe(value)} is not a port variable: a manifest may name only ${PORT_VARIABLE_RULE}`,
    );
  }
  return { env: value };
}

function readPrefer(value: unknown, keyPath: string, file: string): { prefer?: Port } {
  if (value === undefined) return {};
  const port = typeof value === 'bigint' ? Number(value) : Number.NaN;
  if (!isPort(port))
    throw invalid(file, keyPath, `expected a port 1-65535, found ${describe(value)}`);
  return { prefer: port };
}

function rejectUnknown(table: Table, known: readonly string[], at: string, file: string): void {
  for (const key of Object.keys(table)) {
    if (known.includes(key)) continue;
    const keyPath = at === '' ? key : `${at}.${key}`;
    const quoted = known.map((name) => `'${name}'`);
    const expected = `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
    throw invalid(
      file,
      keyPath,
      `unknown key; ${at === '' ? 'the file' : 'a service'} takes only ${expected}`,
    );
  }
}

/** Two services exporting one variable would hand a command two different ports under it. */
function rejectSharedEnv(services: readonly ManifestService[], file: string): void {
  const seen = new Map<string, string>();
  for (const { service, env } of services) {
    const first = seen.get(env);
    if (first !== undefined)
      throw invalid(
        file,
        `services.${service}.env`,
        `${env} is already the variable of service '${first}'`,
      );
    seen.set(env, service);
  }
}

function invalid(
  file: string,
  where: string,
  problem: string,
  excerpt: readonly string[] = [],
): PmError {
  const place = where === '' ? '' : /^\d+:\d+$/.test(where) ? `:${where}` : ` at ${where}`;
  return new PmError(
    'MANIFEST_INVALID',
    `manifest ${file}${place} is invalid: ${problem}`,
    `correct the file and run the command again; nothing was changed (${basename(file)} is read, never written, by pm)`,
    { excerpt },
  );
}
