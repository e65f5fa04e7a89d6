// Command line -> command, positional input and parsed flags, all driven by the tables.
// node:util parseArgs rather than a CLI library: meow normalised a package.json on every
// start, on paths that must stay near `node -e 0` (docs/benchmarks.md, "Measured reasons").
import { parseArgs } from 'node:util';
import { PmError } from '../core/errors.js';
import { sanitize } from '../view/sanitize.js';
import { acceptedFlags, type CommandSpec, commandNamed } from './commands.js';
import { FLAG_NAMES, type FlagContext, type FlagName, type FlagValues, flagSpec } from './flags.js';

export interface CommandLine {
  /** undefined when no command was named: `pm` alone runs the dashboard. */
  readonly commandName: string | undefined;
  readonly input: readonly string[];
  /** Flags as typed: a switch is true (false for --no-x), a value flag is its raw text. */
  readonly given: ReadonlyMap<FlagName, string | boolean>;
  /** Everything after the first `--`, untouched: the command `pm run` starts. */
  readonly trailing: readonly string[];
}

const PARSE_OPTIONS = Object.fromEntries(
  FLAG_NAMES.map((name) => {
    const spec = flagSpec(name);
    const type = spec.kind === 'value' ? 'string' : 'boolean';
    return [name, spec.short ? { type, short: spec.short } : { type }];
  }),
) as Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Strict: an unknown flag, or a value missing after --port and friends, is a usage error. */
export function splitCommandLine(full: readonly string[]): CommandLine {
  const dashes = full.indexOf('--');
  const argv = dashes < 0 ? full : full.slice(0, dashes);
  const trailing = dashes < 0 ? [] : full.slice(dashes + 1);
  // Node 20's parseArgs has no --no-X negation; the table says which flags have one.
  const negated = FLAG_NAMES.filter((name) => {
    const spec = flagSpec(name);
    return spec.kind === 'switch' && spec.negated === true && argv.includes(`--no-${name}`);
  });
  const args = argv.filter((arg) => !negated.some((name) => arg === `--no-${name}`));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: PARSE_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new PmError(
      'USAGE',
      describeParseError(error, args),
      "run 'pm help' for every command and flag",
    );
  }
  const given = new Map<FlagName, string | boolean>();
  for (const name of FLAG_NAMES) {
    const value = parsed.values[name];
    if (typeof value === 'string' || typeof value === 'boolean') given.set(name, value);
  }
  for (const name of negated) given.set(name, false);
  const [commandName, ...input] = parsed.positionals;
  return { commandName, input, given, trailing };
}

/** The command named on the line; only one that runs a command takes anything after `--`. */
export function commandOf(line: CommandLine): CommandSpec {
  const command = commandNamed(line.commandName ?? 'dashboard');
  if (line.trailing.length > 0 && command.takesCommand !== true) {
    throw new PmError(
      'USAGE',
      `unexpected '--' followed by '${line.trailing[0]}'`,
      "only 'pm run' takes a command after '--'",
    );
  }
  return command;
}

/** Refuses flags the command does not take, then parses every value through its table entry. */
export function flagValues(
  command: CommandSpec,
  line: CommandLine,
  context: FlagContext,
): FlagValues {
  const accepted = acceptedFlags(command);
  for (const name of line.given.keys()) {
    if (!accepted.includes(name)) {
      const shown =
        command.name === 'dashboard' && line.commandName === undefined
          ? 'pm'
          : `pm ${command.name}`;
      throw new PmError(
        'USAGE',
        `--${name} does not apply to '${shown}'`,
        `run 'pm help ${command.name}' for the flags it takes`,
      );
    }
  }
  const values: Record<string, unknown> = {};
  for (const name of FLAG_NAMES) {
    const spec = flagSpec(name);
    const raw = line.given.get(name);
    if (spec.kind === 'switch') {
      values[name] = raw === undefined ? spec.negated === true : raw === true;
    } else {
      values[name] = typeof raw === 'string' ? spec.parse(raw, context) : undefined;
    }
  }
  return values as FlagValues;
}

/** parseArgs explains itself in terms of its own API; say it in terms of pm's flags. */
function describeParseError(error: unknown, args: readonly string[]): string {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const code = (error as { code?: string }).code;
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? 'an option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    // parseArgs names the first letter of `-shop`: name the word the user typed.
    const typed = args.find((arg) => arg !== '--' && arg.startsWith(flag))?.split('=')[0];
    return `unknown flag '${sanitize(typed ?? flag)}'`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/ambiguous/.test(message)) {
      return `${flag} needs a value; for a value starting with '-' write ${flag}=VALUE`;
    }
    if (/argument missing/.test(message)) return `${flag} needs a value`;
    return `${flag} takes no value`;
  }
  return message;
}
