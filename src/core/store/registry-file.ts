// registry.toml <-> Registry. Parsing is strict on purpose: a file that is empty, not TOML or
// not the shape pm writes is refused with its location, never read as an empty registry and
// then overwritten (smol-toml parses "" and many truncated files as valid TOML).
import { parse, stringify, TomlDate, TomlError } from 'smol-toml';
import { PmError } from '../errors.js';
import { isValidName, NAME_RULE } from '../model/names.js';
import { isPort, type Port } from '../model/port.js';
import type { Defaults, Extra, Project, Registry } from '../model/registry.js';
import { DEFAULT_RANGE } from '../model/registry.js';

export const REGISTRY_VERSION = 1;
const PARSE_OPTIONS = {
  integersAsBigInt: true,
  unsafeKeyBehaviour: 'throw',
  maxDepth: 64,
} as const;

type Table = Record<string, unknown>;

function corrupt(
  path: string,
  where: string,
  problem: string,
  excerpt: readonly string[] = [],
): PmError {
  return new PmError(
    'REGISTRY_CORRUPT',
    `registry ${path}${locate(where)} is invalid: ${problem}`,
    { kind: 'restore-backup' },
    { excerpt },
  );
}

/** smol-toml's code frame as lines, kept exact: front ends sanitize each line they show. */
export function codeFrame(error: TomlError): string[] {
  return error.codeblock ? error.codeblock.trimEnd().split(/\r?\n/) : [];
}

// Exact round trip of unknown values where smol-toml alone would change them: it keeps times
// to the millisecond (07:32:00.999999 came back as .999), respells them (00:00 -> 00:00.000)
// and writes -0.0 as 0.0. The original text of each time is remembered per value; both are
// written back through placeholders.
const FINE_TIME = /\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?/g;
const DATE_PREFIX = /(\d{4}-\d{2}-\d{2}[Tt ])$/;
const originalTimes = new WeakMap<TomlDate, string>();

/** Literal texts of times in the file, by the text smol-toml writes for them. */
function fineTimes(text: string): Map<string, string | null> {
  const found = new Map<string, string | null>();
  for (const match of text.matchAll(FINE_TIME)) {
    const prefix = DATE_PREFIX.exec(text.slice(Math.max(0, match.index - 11), match.index))?.[1];
    const literal = `${prefix ?? ''}${match[0]}`;
    let key: string;
    try {
      key = new TomlDate(literal).toISOString();
    } catch {
      continue;
    }
    // Two different literals that look alike at millisecond precision: keep neither.
    const known = found.get(key);
    found.set(key, known === undefined || known === literal ? literal : null);
  }
  return found;
}

function rememberTimes(value: unknown, times: Map<string, string | null>): void {
  if (value instanceof TomlDate) {
    const original = times.get(value.toISOString());
    if (original) originalTimes.set(value, original);
  } else if (Array.isArray(value)) {
    for (const item of value) rememberTimes(item, times);
  } else if (isTable(value)) {
    for (const item of Object.values(value)) rememberTimes(item, times);
  }
}

/** Replaces values smol-toml would respell with placeholders; returns the replacements. */
function withPlaceholders(value: unknown, token: string, out: string[]): unknown {
  const placeholder = (text: string) => {
    out.push(text);
    return `${token}${out.length - 1}`;
  };
  if (Object.is(value, -0)) return placeholder('-0.0');
  if (value instanceof TomlDate) {
    const original = originalTimes.get(value);
    return original ? placeholder(original) : value;
  }
  if (Array.isArray(value)) return value.map((item) => withPlaceholders(item, token, out));
  if (isTable(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withPlaceholders(item, token, out)]),
    );
  }
  return value;
}

/** "3:5" is a line and column in the file; anything else is a key path such as projects.shop. */
function locate(where: string): string {
  if (where === '') return '';
  return /^\d+:\d+$/.test(where) ? `:${where}` : ` at ${where}`;
}

export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isDate(value);
}

function isDate(value: unknown): boolean {
  return value instanceof Date;
}

/** TOML integers arrive as bigint (so floats like 3000.0 can be told apart). */
function asPort(value: unknown): Port | undefined {
  if (typeof value !== 'bigint') return undefined;
  const port = Number(value);
  return isPort(port) ? port : undefined;
}

export function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return `${value} (a float)`;
  if (Array.isArray(value)) return 'an array';
  if (isTable(value)) return 'a table';
  return String(value);
}

function pick(table: Table, known: readonly string[]): Extra {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table)) {
    if (!known.includes(key)) extra[key] = value;
  }
  return extra;
}

export function parseRegistry(text: string, path: string): Registry {
  if (text.length === 0) {
    // 1:1 like any other parse error, so editors and terminals can jump to the file.
    throw corrupt(
      path,
      '1:1',
      'the file is empty (0 bytes); a registry always holds "version = 1"',
    );
  }
  let doc: Table;
  try {
    doc = parse(text, PARSE_OPTIONS) as Table;
  } catch (error) {
    if (error instanceof TomlError) {
      const firstLine = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '');
      throw corrupt(path, `${error.line}:${error.column}`, firstLine ?? '', codeFrame(error));
    }
    // smol-toml reports a few limits (unsafe keys, depth) with plain errors.
    throw corrupt(path, '', error instanceof Error ? error.message : String(error));
  }
  const registry = fromDocument(doc, path);
  if (text.search(FINE_TIME) !== -1) rememberTimes(doc, fineTimes(text));
  return registry;
}

/**
 * The key path of the first value nested deeper than `limit`, if any. smol-toml's maxDepth
 * bounds arrays and inline tables but not dotted keys or table headers (`[a.a.a...]`), and its
 * stringify refuses deep objects: a file pm could read but never write back is refused here.
 */
function tooDeep(value: unknown, limit: number, keyPath: string): string | undefined {
  if (limit < 0) return keyPath;
  const children: [string, unknown][] = Array.isArray(value)
    ? value.map((item, index): [string, unknown] => [`${keyPath}[${index}]`, item])
    : isTable(value)
      ? Object.entries(value).map(([key, item]): [string, unknown] => [
          keyPath ? `${keyPath}.${key}` : key,
          item,
        ])
      : [];
  for (const [childPath, child] of children) {
    const found = tooDeep(child, limit - 1, childPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

function fromDocument(doc: Table, path: string): Registry {
  const deep = tooDeep(doc, PARSE_OPTIONS.maxDepth, '');
  if (deep !== undefined) {
    const shown = deep.length > 80 ? `${deep.slice(0, 77)}...` : deep;
    throw corrupt(
      path,
      shown,
      `nested more than ${PARSE_OPTIONS.maxDepth} levels deep; pm cannot write such a file back`,
    );
  }
  if (!('version' in doc)) throw corrupt(path, 'version', "missing 'version = 1'");
  if (doc.version !== BigInt(REGISTRY_VERSION)) {
    throw corrupt(
      path,
      'version',
      `unsupported version ${describeValue(doc.version)}; this pm reads version ${REGISTRY_VERSION}`,
    );
  }
  const defaults = readDefaults(doc.defaults, path);
  const projects = readProjects(doc.projects, path);
  rejectDuplicatePorts(projects, path);
  return {
    version: 1,
    defaults,
    projects,
    extra: pick(doc, ['version', 'defaults', 'projects']),
  };
}

function readDefaults(value: unknown, path: string): Defaults {
  if (value === undefined) return { range: DEFAULT_RANGE, exclude: [], extra: {} };
  if (!isTable(value))
    throw corrupt(path, 'defaults', `expected a table, found ${describeValue(value)}`);
  const start =
    readOptionalPort(value, 'range_start', 'defaults.range_start', path) ?? DEFAULT_RANGE.start;
  const end = readOptionalPort(value, 'range_end', 'defaults.range_end', path) ?? DEFAULT_RANGE.end;
  if (start > end) {
    throw corrupt(path, 'defaults', `range_start ${start} is greater than range_end ${end}`);
  }
  let exclude: Port[] = [];
  if (value.exclude !== undefined) {
    if (!Array.isArray(value.exclude)) {
      throw corrupt(
        path,
        'defaults.exclude',
        `expected an array of ports, found ${describeValue(value.exclude)}`,
      );
    }
    exclude = value.exclude.map((item, index) => {
      const port = asPort(item);
      if (port === undefined) {
        throw corrupt(
          path,
          `defaults.exclude[${index}]`,
          `expected a port 1-65535, found ${describeValue(item)}`,
        );
      }
      return port;
    });
    exclude = [...new Set(exclude)].sort((a, b) => a - b);
  }
  return {
    range: { start, end },
    exclude,
    extra: pick(value, ['range_start', 'range_end', 'exclude']),
  };
}

function readOptionalPort(
  table: Table,
  key: string,
  keyPath: string,
  path: string,
): Port | undefined {
  if (table[key] === undefined) return undefined;
  const port = asPort(table[key]);
  if (port === undefined) {
    throw corrupt(path, keyPath, `expected a port 1-65535, found ${describeValue(table[key])}`);
  }
  return port;
}

function readProjects(value: unknown, path: string): Map<string, Project> {
  const projects = new Map<string, Project>();
  if (value === undefined) return projects;
  if (!isTable(value))
    throw corrupt(path, 'projects', `expected a table, found ${describeValue(value)}`);
  for (const [name, entry] of Object.entries(value)) {
    const keyPath = `projects.${name}`;
    if (!isValidName(name)) throw corrupt(path, keyPath, `invalid project name: ${NAME_RULE}`);
    if (!isTable(entry))
      throw corrupt(path, keyPath, `expected a table, found ${describeValue(entry)}`);
    if (entry.path !== undefined && typeof entry.path !== 'string') {
      throw corrupt(
        path,
        `${keyPath}.path`,
        `expected a string, found ${describeValue(entry.path)}`,
      );
    }
    const worktreeOf = readWorktreeOf(entry.worktree_of, `${keyPath}.worktree_of`, path);
    const ports = new Map<string, Port>();
    if (entry.ports !== undefined) {
      if (!isTable(entry.ports)) {
        throw corrupt(
          path,
          `${keyPath}.ports`,
          `expected a table, found ${describeValue(entry.ports)}`,
        );
      }
      for (const [service, raw] of Object.entries(entry.ports)) {
        const servicePath = `${keyPath}.ports.${service}`;
        if (!isValidName(service))
          throw corrupt(path, servicePath, `invalid service name: ${NAME_RULE}`);
        const port = asPort(raw);
        if (port === undefined) {
          throw corrupt(path, servicePath, `expected a port 1-65535, found ${describeValue(raw)}`);
        }
        ports.set(service, port);
      }
    }
    projects.set(name, {
      ...(typeof entry.path === 'string' ? { path: entry.path } : {}),
      ...(worktreeOf !== undefined ? { worktreeOf } : {}),
      ports,
      extra: pick(entry, ['path', 'worktree_of', 'ports']),
    });
  }
  return projects;
}

/** Optional (added after version 1 shipped, so older files simply lack it). */
function readWorktreeOf(value: unknown, keyPath: string, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw corrupt(path, keyPath, `expected a project name, found ${describeValue(value)}`);
  }
  if (!isValidName(value)) throw corrupt(path, keyPath, `invalid project name: ${NAME_RULE}`);
  return value;
}

function rejectDuplicatePorts(projects: ReadonlyMap<string, Project>, path: string): void {
  const seen = new Map<number, string>();
  for (const [project, entry] of projects) {
    for (const [service, port] of entry.ports) {
      const keyPath = `projects.${project}.ports.${service}`;
      const first = seen.get(port);
      if (first)
        throw corrupt(
          path,
          keyPath,
          `port ${port} is also allocated to ${first}; a port belongs to one service`,
        );
      seen.set(port, keyPath);
    }
  }
}

/** Deterministic output: known keys in a fixed order, names sorted, unknown keys kept. */
export function serializeRegistry(registry: Registry): string {
  const projects: Table = {};
  for (const name of [...registry.projects.keys()].sort()) {
    const project = registry.projects.get(name)!;
    const ports: Table = {};
    for (const service of [...project.ports.keys()].sort()) {
      ports[service] = BigInt(project.ports.get(service)!);
    }
    projects[name] = {
      ...(project.path !== undefined ? { path: project.path } : {}),
      ...(project.worktreeOf !== undefined ? { worktree_of: project.worktreeOf } : {}),
      ...project.extra,
      ports,
    };
  }
  const { range, exclude } = registry.defaults;
  // pm's own numbers are written as integers (bigint); any JS number left is a float read from
  // an unknown key, and numbersAsFloat keeps it one (`1.0` would otherwise come back as `1`).
  const doc: Table = {
    version: BigInt(REGISTRY_VERSION),
    defaults: {
      range_start: BigInt(range.start),
      range_end: BigInt(range.end),
      ...(exclude.length > 0 ? { exclude: exclude.map(BigInt) } : {}),
      ...registry.defaults.extra,
    },
    ...registry.extra,
    // An empty [projects] header is noise in a hand-edited file.
    ...(Object.keys(projects).length > 0 ? { projects } : {}),
  };
  const token = `pm-exact-${Math.random().toString(36).slice(2, 10)}-`;
  const replacements: string[] = [];
  const marked = withPlaceholders(doc, token, replacements) as Table;
  let text = stringify(marked, { numbersAsFloat: true }).trim();
  if (replacements.length > 0) {
    text = text.replace(
      new RegExp(`"${token}(\\d+)"`, 'g'),
      (_, index: string) => replacements[Number(index)]!,
    );
  }
  return `${text}\n`;
}
