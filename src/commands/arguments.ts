import { parseArgs } from 'node:util';
import { PmError } from '../core/errors.js';

const OPTIONS = {
  registry: { type: 'string' },
  json: { type: 'boolean' },
  color: { type: 'boolean' },
  once: { type: 'boolean' },
  all: { type: 'boolean' },
  port: { type: 'string' },
  prefer: { type: 'string' },
  force: { type: 'boolean' },
  count: { type: 'string' },
  range: { type: 'string' },
  exclude: { type: 'string' },
  restore: { type: 'boolean' },
  interval: { type: 'string' },
  path: { type: 'string' },
  env: { type: 'string' },
  format: { type: 'string' },
  write: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export interface Flags {
  readonly registry?: string;
  readonly json: boolean;
  readonly color: boolean;
  readonly once: boolean;
  readonly all: boolean;
  readonly port?: string;
  readonly prefer?: string;
  readonly force: boolean;
  readonly count?: string;
  readonly range?: string;
  readonly exclude?: string;
  readonly restore: boolean;
  readonly interval?: string;
  readonly path?: string;
  readonly env?: string;
  readonly format?: string;
  readonly write?: string;
  readonly help: boolean;
  readonly version: boolean;
}

export interface ParsedArgs {
  readonly flags: Flags;
  readonly input: readonly string[];
  /** Everything after the first `--`: the command `pm run` starts, untouched. */
  readonly command: readonly string[];
}

/** Strict: an unknown flag, or a value missing after --port and friends, is a usage error. */
export function parseArguments(full: readonly string[]): ParsedArgs {
  const dashes = full.indexOf('--');
  const argv = dashes < 0 ? full : full.slice(0, dashes);
  const command = dashes < 0 ? [] : full.slice(dashes + 1);
  // Node 20's parseArgs has no --no-X negation; --no-color is the only one pm takes.
  const noColor = argv.includes('--no-color');
  const args = argv.filter((arg) => arg !== '--no-color');
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    throw new PmError(
      'USAGE',
      describeParseError(error),
      "run 'pm --help' for every command and option",
    );
  }
  const text = (key: string) => values[key] as string | undefined;
  const bool = (key: string) => values[key] === true;
  return {
    flags: {
      ...(text('registry') !== undefined ? { registry: text('registry') } : {}),
      json: bool('json'),
      color: !noColor && values.color !== false,
      once: bool('once'),
      all: bool('all'),
      ...(text('port') !== undefined ? { port: text('port') } : {}),
      ...(text('prefer') !== undefined ? { prefer: text('prefer') } : {}),
      force: bool('force'),
      ...(text('count') !== undefined ? { count: text('count') } : {}),
      ...(text('range') !== undefined ? { range: text('range') } : {}),
      ...(text('exclude') !== undefined ? { exclude: text('exclude') } : {}),
      restore: bool('restore'),
      ...(text('interval') !== undefined ? { interval: text('interval') } : {}),
      ...(text('path') !== undefined ? { path: text('path') } : {}),
      ...(text('env') !== undefined ? { env: text('env') } : {}),
      ...(text('format') !== undefined ? { format: text('format') } : {}),
      ...(text('write') !== undefined ? { write: text('write') } : {}),
      help: bool('help'),
      version: bool('version'),
    },
    input: positionals,
    command,
  };
}

/** parseArgs explains itself in terms of its own API; say it in terms of pm's flags. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const code = (error as { code?: string }).code;
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? 'an option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag '${flag}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/ambiguous/.test(message)) {
      return `${flag} needs a value; for a value starting with '-' write ${flag}=VALUE`;
    }
    if (/argument missing/.test(message)) return `${flag} needs a value`;
    return `${flag} takes no value`;
  }
  return message;
}
