// `pm --help`, `pm help [<command>]` and `pm <command> --help`, rendered from the tables.

import { currentPlatform } from '../os/index.js';
import { COMMANDS, type CommandSpec, commandNamed } from './commands.js';
import { type FlagName, flagSpec, flagUsage, globalFlags } from './flags.js';
import { defaultRegistryDescription, ENVIRONMENT_VARIABLES } from './settings.js';

const EXIT_CODES = 'Exit codes: 0 ok, 1 the operation failed, 2 invalid input, 130 interrupted.';

export function renderHelp(
  commandName: string | undefined,
  platform: NodeJS.Platform = currentPlatform().name as NodeJS.Platform,
): string {
  return commandName === undefined
    ? overview(platform)
    : commandHelp(commandNamed(commandName), platform);
}

function overview(platform: NodeJS.Platform): string {
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
    ...flagLines(
      [...new Set(COMMANDS.flatMap((command) => command.flags))],
      (name) => `${flagSpec(name).description} (${commandsTaking(name)})`,
    ),
    '',
    'Environment',
    ...columns(Object.entries(ENVIRONMENT_VARIABLES)),
    '',
    `Registry: ${defaultRegistryDescription(platform)}`,
    '',
    'Examples',
    ...COMMANDS.flatMap((command) => command.examples.slice(0, 1)).map((line) => `  $ ${line}`),
    '',
    EXIT_CODES,
  ].join('\n');
}

function commandHelp(command: CommandSpec, platform: NodeJS.Platform): string {
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
    `Registry: ${defaultRegistryDescription(platform)}`,
    '',
    'Examples',
    ...command.examples.map((line) => `  $ ${line}`),
    '',
    EXIT_CODES,
  ].join('\n');
}

function commandsTaking(name: FlagName): string {
  return COMMANDS.filter((command) => command.flags.includes(name))
    .map((command) => command.name)
    .join(', ');
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
