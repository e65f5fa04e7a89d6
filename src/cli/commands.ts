// Every command pm knows: the list of their specs, each in its own src/commands/<name>.ts
// (usage, summary, examples, the flags it takes and the function that runs it). Help,
// validation, dispatch and completions read this list; adding a command is adding its file
// and its entry here (keep them in the order `pm --help` lists them).
import { allocateSpec } from '../commands/allocate.js';
import { completionSpec } from '../commands/completion.js';
import { configSpec } from '../commands/config.js';
import { dashboardSpec } from '../commands/dashboard.js';
import { doctorSpec } from '../commands/doctor.js';
import { envSpec } from '../commands/env.js';
import { freeSpec } from '../commands/free.js';
import { helpSpec } from '../commands/help.js';
import { killSpec } from '../commands/kill.js';
import { mcpSpec } from '../commands/mcp.js';
import { exportSpec, proxySpec } from '../commands/proxy.js';
import { pruneSpec } from '../commands/prune.js';
import { querySpec } from '../commands/query.js';
import { runSpec } from '../commands/run.js';
import { type CommandSpec, type PositionalKind, unknownCommand } from '../commands/spec.js';
import { statusSpec } from '../commands/status.js';
import { suggestSpec } from '../commands/suggest.js';
import { upSpec } from '../commands/up.js';
import { waitSpec } from '../commands/wait.js';
import { type FlagName, globalFlags } from './flags.js';

export type { CommandSpec, Invocation, PositionalKind } from '../commands/spec.js';

export const COMMANDS: readonly CommandSpec[] = [
  dashboardSpec,
  statusSpec,
  allocateSpec,
  freeSpec,
  killSpec,
  suggestSpec,
  querySpec,
  configSpec,
  runSpec,
  envSpec,
  waitSpec,
  doctorSpec,
  upSpec,
  pruneSpec,
  mcpSpec,
  proxySpec,
  exportSpec,
  completionSpec,
  helpSpec,
];

export const COMMAND_NAMES: readonly string[] = COMMANDS.map((command) => command.name);

/** The entry for `name`; an unknown name is a usage error listing what exists. */
export function commandNamed(name: string): CommandSpec {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) throw unknownCommand(name, COMMAND_NAMES);
  return command;
}

/** For shell completions: every command with its positionals and the flags it accepts. */
export function completionTable(): {
  command: string;
  flags: FlagName[];
  args?: PositionalKind;
}[] {
  return COMMANDS.map((command) => ({
    command: command.name,
    flags: acceptedFlags(command),
    ...(command.args ? { args: command.args } : {}),
  }));
}

export function acceptedFlags(command: CommandSpec): FlagName[] {
  return [...globalFlags(), ...command.flags];
}
