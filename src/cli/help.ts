// `pm --help`, `pm help [<command>]` and `pm <command> --help`, rendered from the tables.

import { currentPlatform } from '../os/index.js';
import { COMMANDS, type CommandSpec, commandNamed } from './commands.js';
import { type FlagName, flagSpec, flagUsage, globalFlags } from './flags.js';
import { defaultRegistryDescription, ENVIRONMENT_VARIABLES } from './settings.js';

const EXIT_CODES = 'Exit codes: 0 ok, 1 the operation failed, 2 invalid input, 130 interrupted.';

/** The registry a command would use when one was named (--registry, $PM_REGISTRY). */
export interface NamedRegistry {
  readonly path: string;
  readonly source: '--registry' | '$PM_REGISTRY';
}

export function renderHelp(
  commandName: string | undefined,
  platform: NodeJS.Platform = currentPlatform().name as NodeJS.Platform,
  named?: NamedRegistry,
): string {
  return commandName === undefined
    ? overview(platform, named)
    : commandHelp(commandNamed(commandName), platform, named);
}

/** The registry in use when one was named, else where the per-user one lives. */
function registryLine(platform: NodeJS.Platform, named: NamedRegistry | undefined): string {
  return named === undefined
    ? `Registry: ${defaultRegistryDescription(platform)}`
    : `Registry: ${named.path} (${named.source})`;
}

/**
 * A shared flag's words with the commands it means that for; a command with its own wording
 * (free's --all releases every service) is named with it.
 */
function sharedFlagDescription(name: FlagName): string {
  const taking = COMMANDS.filter((command) => command.flags.includes(name));
  const plain = taking.filter((command) => command.flagNotes?.[name] === undefined);
  const own = taking.filter((command) => command.flagNotes?.[name] !== undefined);
  const base =
    plain.length > 0
      ? `${flagSpec(name).description} (${plain.map((command) => command.name).join(', ')})`
      : '';
  const notes = own.map((command) => `${command.name}: ${command.flagNotes?.[name]}`);
  return [base, ...notes].filter((part) => part !== '').join('; ');
}

function overview(platform: NodeJS.Platform, named: NamedRegistry | undefined): string {
  // Usage lines are long; each command's summary goes under them rather than beside them.
  const usages = COMMANDS.flatMap((command) => [
    ...command.usage.map((usage) => `  pm ${usage}`.trimEnd()),
    `      ${command.summary}`,
  ]);
  return [
    'pm: a stable port for every local project, and who is using it right now',
    '',
    'Usage',
    ...usages,
    '',
    'Options for every command',
    ...flagLines(globalFlags()),
    '',
    'Command options (pm help <command> for its own)',
    ...flagLines([...new Set(COMMANDS.flatMap((command) => command.flags))], sharedFlagDescription),
    '',
    'Environment',
    ...columns(Object.entries(ENVIRONMENT_VARIABLES)),
    '',
    registryLine(platform, named),
    '',
    'Examples',
    ...COMMANDS.flatMap((command) => command.examples.slice(0, 1)).map((line) => `  $ ${line}`),
    '',
    EXIT_CODES,
  ].join('\n');
}

function commandHelp(
  command: CommandSpec,
  platform: NodeJS.Platform,
  named: NamedRegistry | undefined,
): string {
  const describe = (name: FlagName) => command.flagNotes?.[name] ?? flagSpec(name).description;
  return [
    `pm ${command.name}: ${command.summary}`,
    '',
    'Usage',
    ...command.usage.map((usage) => `  pm ${usage}`.trimEnd()),
    '',
    ...(command.flags.length > 0 ? ['Options', ...flagLines(command.flags, describe), ''] : []),
    'Options for every command',
    ...flagLines(globalFlags()),
    '',
    registryLine(platform, named),
    '',
    'Examples',
    ...command.examples.map((line) => `  $ ${line}`),
    '',
    EXIT_CODES,
  ].join('\n');
}

function flagLines(
  names: readonly FlagName[],
  describe: (name: FlagName) => string = (name) => flagSpec(name).description,
): string[] {
  return columns(names.map((name) => [flagUsage(name), describe(name)]));
}

function columns(rows: readonly (readonly [string, string] | string[])[]): string[] {
  const width = Math.max(...rows.map(([left]) => (left ?? '').length));
  return rows.map(([left = '', right = '']) =>
    right === '' ? `  ${left}` : `  ${left.padEnd(width)}  ${right}`,
  );
}
