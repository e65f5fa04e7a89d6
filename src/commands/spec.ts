// What a command is to the command line: its spec (usage, summary, examples, flags) and its
// runner. Each src/commands/<name>.ts exports one; the table in cli/commands.ts lists them,
// and help, validation, dispatch and completions read that list.

import type { CompletionEntry } from '../cli/completion.js';
import type { FlagName, FlagValues } from '../cli/flags.js';
import type { Env, Settings } from '../cli/settings.js';
import { PmError } from '../core/errors.js';
import type { NoticeSource } from '../dashboard/ui/app.js';
import type { Context } from './context.js';

/** Everything a command's runner gets: parsed input, the wired context, the checked env. */
export interface Invocation {
  readonly ctx: Context;
  readonly input: readonly string[];
  /** What followed `--` (commands with `takesCommand` only). */
  readonly trailing: readonly string[];
  /** The caller's environment, passed on to a command `pm run` starts. */
  readonly env: Env;
  readonly flags: FlagValues;
  readonly environment: Settings;
  /** Both ends are terminals: only then is the live dashboard shown. */
  readonly interactive: boolean;
  readonly notices: NoticeSource;
  /**
   * What the table knows, for the commands about commands (`pm help`, completions, an
   * unknown name): passed in, so no command imports the table that imports it.
   */
  readonly table: CommandTable;
}

export interface CommandTable {
  /** Help text: every command, or one command's. */
  readonly help: (command?: string) => string;
  /** Every command with the flags it accepts, for shell completions. */
  readonly completions: () => CompletionEntry[];
  readonly names: readonly string[];
}

export interface CommandSpec {
  /** What the user types; the dashboard also runs when no command is given. */
  readonly name: string;
  /** Forms of the command, each after `pm `, e.g. 'allocate <project> <service>'. */
  readonly usage: readonly string[];
  readonly summary: string;
  /** Shown under "Examples"; each is a full command line. */
  readonly examples: readonly string[];
  /** Flags beyond the global ones; any other flag is refused (exit 2). */
  readonly flags: readonly FlagName[];
  /** Per-command wording of a shared flag (--all means different things to status and free). */
  readonly flagNotes?: Partial<Record<FlagName, string>>;
  /** Takes a command to run after `--` (everything there is passed on untouched). */
  readonly takesCommand?: boolean;
  /**
   * What its positional words are, for shell completions: a project then one of its services
   * (or, inside a project, one of its services), a project, a command name, a shell.
   */
  readonly args?: PositionalKind;
  readonly run: (invocation: Invocation) => Promise<number>;
}

export type PositionalKind = 'project-service' | 'project' | 'command' | 'shell';

/** The spec's usage forms as one line, for usage errors: the same forms `pm help` lists. */
export function usageLine(spec: Pick<CommandSpec, 'usage'>): string {
  return spec.usage.map((form) => (form === '' ? 'pm' : `pm ${form}`)).join(' | ');
}

export function unknownCommand(name: string, names: readonly string[]): PmError {
  return new PmError(
    'USAGE',
    `unknown command '${name}'`,
    `commands: ${names.join(', ')}; run 'pm help'`,
  );
}
