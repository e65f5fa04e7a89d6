// Every flag pm accepts, declared once. Parsing, per-command validation, help and shell
// completions all read this table, so a flag cannot be accepted without being documented.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isPmError, PmError } from '../core/errors.js';
import { ENV_FORMATS, parseEnvFormat, parseEnvName } from '../core/model/env-vars.js';
import { parseKillTimeout, parseSignal, SIGNALS } from '../core/model/kill.js';
import {
  type Port,
  type PortRange,
  parsePort,
  parsePortList,
  parseRange,
} from '../core/model/port.js';
import { parseCount, parseHttpPath, parseInterval } from './values.js';

/** What a value parser may need: paths are relative to the caller's directory, not pm's. */
export interface FlagContext {
  readonly cwd: string;
}

interface FlagBase {
  readonly description: string;
  /** One letter, e.g. 'h' for -h. */
  readonly short?: string;
  /** Accepted by every command (otherwise only by the commands that list it). */
  readonly global?: boolean;
}

export interface SwitchFlag extends FlagBase {
  readonly kind: 'switch';
  /** Written --no-<name> (Node 20's parseArgs has no negation, so pm handles it). */
  readonly negated?: boolean;
}

export interface ValueFlag<T> extends FlagBase {
  readonly kind: 'value';
  /** Shown in help: --port N. */
  readonly placeholder: string;
  /** Checks and converts the text; a bad value is a PmError (exit 2) naming the flag. */
  readonly parse: (raw: string, context: FlagContext) => T;
  /** Every value it takes, when there is a short list: shell completions offer them. */
  readonly choices?: readonly string[];
}

const value = <T>(spec: Omit<ValueFlag<T>, 'kind'>): ValueFlag<T> => ({ kind: 'value', ...spec });
const toggle = (spec: Omit<SwitchFlag, 'kind'>): SwitchFlag => ({ kind: 'switch', ...spec });

export const FLAGS = {
  registry: value({
    global: true,
    placeholder: 'PATH',
    description: 'registry file (default: $PM_REGISTRY, else the per-user one shown below)',
    parse: (raw, { cwd }) => resolve(cwd, nonEmpty('--registry', raw, 'a file path')),
  }),
  json: toggle({ global: true, description: 'machine-readable output (errors too, on stderr)' }),
  color: toggle({
    global: true,
    negated: true,
    description: 'no colours (NO_COLOR is honoured too)',
  }),
  help: toggle({ global: true, short: 'h', description: 'this help, or a command’s own' }),
  version: toggle({ global: true, short: 'v', description: 'the version of pm' }),
  once: toggle({ description: 'print the table once instead of the live dashboard' }),
  all: toggle({ description: 'also list listeners in the range that nobody allocated' }),
  port: value({
    placeholder: 'N',
    description: 'exactly this port (refused if taken, unless --force)',
    parse: (raw) => port('--port', raw),
  }),
  prefer: value({
    placeholder: 'N',
    description: 'the first free port from N upward',
    parse: (raw) => port('--prefer', raw),
  }),
  force: toggle({ description: 'take --port even though something listens on it' }),
  path: value({
    placeholder: 'DIR',
    description: "record the project's directory; a listener started outside it is a conflict",
    parse: (raw, { cwd }) => existingDirectory('--path', raw, cwd),
  }),
  count: value({
    placeholder: 'N',
    description: 'how many ports to suggest (default 1)',
    parse: (raw) => parseCount(noSpaces('--count', raw)),
  }),
  range: value({
    placeholder: 'A-B',
    description: 'the range ports are handed out from, e.g. 3000-9999',
    parse: (raw): PortRange => naming('--range', () => parseRange(raw)),
  }),
  exclude: value({
    placeholder: 'LIST',
    description: "ports never handed out, e.g. 5432,6379 ('' for none)",
    parse: (raw): Port[] => naming('--exclude', () => parsePortList(raw)),
  }),
  restore: toggle({ description: 'put back the last good registry from its backup' }),
  env: value({
    placeholder: 'NAME',
    description: "the variable that carries the service's own port (default PORT)",
    parse: (raw) => naming('--env', () => parseEnvName(raw)),
  }),
  format: value({
    placeholder: 'FORMAT',
    description: 'dotenv (NAME=port lines, the default), shell (export lines) or json',
    choices: ENV_FORMATS,
    parse: (raw) => naming('--format', () => parseEnvFormat(raw)),
  }),
  write: value({
    placeholder: 'FILE',
    description: "keep the variables in pm's fenced block of FILE; other lines stay as they are",
    parse: (raw, { cwd }) => resolve(cwd, nonEmpty('--write', raw, 'a file path')),
  }),
  interval: value({
    placeholder: 'MS',
    description: 'dashboard refresh period in milliseconds (default 1000)',
    parse: (raw) => parseInterval(noSpaces('--interval', raw)),
  }),
  prune: toggle({ description: 'also free the services the .pm.toml no longer declares' }),
  'dry-run': toggle({ description: 'list what would be freed; change nothing' }),
  timeout: value({
    placeholder: 'S',
    description: 'seconds to wait for the port to be released before SIGKILL (default 5)',
    parse: (raw) => parseKillTimeout(noSpaces('--timeout', raw), '--timeout'),
  }),
  http: value({
    placeholder: '/PATH',
    description: 'wait until GET /PATH answers with a status below 500 (not just a connection)',
    parse: (raw) => parseHttpPath(raw),
  }),
  signal: value({
    placeholder: 'NAME',
    description: 'the first signal to send: TERM (default), INT, HUP, QUIT, USR1, USR2 or KILL',
    choices: SIGNALS,
    parse: (raw) => parseSignal(noSpaces('--signal', raw), '--signal'),
  }),
  print: toggle({ description: 'print the Caddyfile pm proxy would run, and stop' }),
  'http-port': value({
    placeholder: 'N',
    description: 'the port pm proxy serves names on over HTTP (default 1355)',
    parse: (raw) => port('--http-port', raw),
  }),
  'https-port': value({
    placeholder: 'N',
    description: 'the port pm proxy serves names on over HTTPS (default 1356)',
    parse: (raw) => port('--https-port', raw),
  }),
  admin: value({
    placeholder: 'ADDR',
    description: "Caddy's admin API for pm proxy, on loopback (default 127.0.0.1:1357)",
    parse: (raw) => parseAdminAddress(noSpaces('--admin', raw)),
  }),
} satisfies Record<string, SwitchFlag | ValueFlag<unknown>>;

export type FlagName = keyof typeof FLAGS;

/** Parsed flags: a switch is true or false, a value flag is its parsed value or undefined. */
export type FlagValues = {
  readonly [K in FlagName]: (typeof FLAGS)[K] extends ValueFlag<infer T> ? T | undefined : boolean;
};

export const FLAG_NAMES = Object.keys(FLAGS) as FlagName[];

export function flagSpec(name: FlagName): SwitchFlag | ValueFlag<unknown> {
  return FLAGS[name];
}

export function globalFlags(): FlagName[] {
  return FLAG_NAMES.filter((name) => flagSpec(name).global === true);
}

/** How the flag is written on a command line: --no-color, --port N, -h, --help. */
export function flagUsage(name: FlagName): string {
  const spec = flagSpec(name);
  const long = spec.kind === 'switch' && spec.negated ? `--no-${name}` : `--${name}`;
  const withValue = spec.kind === 'value' ? `${long} ${spec.placeholder}` : long;
  return spec.short ? `-${spec.short}, ${withValue}` : withValue;
}

function port(flag: string, raw: string): Port {
  return parsePort(noSpaces(flag, raw), flag);
}

/** `N`, `127.0.0.1:N`, `localhost:N` or `[::1]:N`: the admin API never leaves loopback. */
function parseAdminAddress(raw: string): string {
  const address = /^\d+$/.test(raw) ? `127.0.0.1:${raw}` : raw;
  const match = /^(127\.0\.0\.1|localhost|\[::1\]):(\d+)$/.exec(address);
  if (!match) {
    throw new PmError(
      'USAGE',
      `invalid --admin '${raw}': a loopback address and port, e.g. 127.0.0.1:1357`,
      "Caddy's admin API can change the proxy: pm keeps it on 127.0.0.1, localhost or [::1]",
    );
  }
  return `${match[1]}:${port('--admin', match[2] as string)}`;
}

function nonEmpty(flag: string, raw: string, what: string): string {
  if (raw.trim() === '') throw new PmError('USAGE', `${flag} needs ${what}, got '${raw}'`);
  return raw;
}

/** ' 28005' is most likely a quoting slip; say so rather than guess. */
function noSpaces(flag: string, raw: string): string {
  if (raw !== raw.trim()) {
    throw new PmError('USAGE', `invalid ${flag} '${raw}': remove the spaces around the value`);
  }
  return raw;
}

function existingDirectory(flag: string, raw: string, cwd: string): string {
  const path = resolve(cwd, nonEmpty(flag, raw, 'a directory'));
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // Missing or unreadable: both mean the path cannot be the project's directory.
  }
  if (!isDirectory) {
    throw new PmError(
      'USAGE',
      `invalid ${flag} '${raw}': no directory at ${path}`,
      'pass the directory the project lives in (it must exist)',
    );
  }
  return path;
}

/** Core parsers speak of "range"; on the command line the flag is what the user typed. */
function naming<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isPmError(error) && !error.message.includes(flag)) {
      throw new PmError(error.code, `${flag}: ${error.message}`, error.remedies, { cause: error });
    }
    throw error;
  }
}
