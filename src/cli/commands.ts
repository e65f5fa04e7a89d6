// Every command pm knows, one entry each: usage, summary, examples, the flags it takes and
// the function that runs it. Help, validation, dispatch and completions read this table;
// adding a command is adding an entry (keep them in the order `pm --help` lists them).
// The everyday scripting commands are imported here; the rest are import()ed when they run,
// so `pm query` or `pm allocate` never evaluates the dashboard, run, env, kill, doctor, up,
// prune or completion (esbuild keeps a lazily imported module lazy in the one bundle).
import { runAllocate } from '../commands/allocate.js';
import { runConfig } from '../commands/config.js';
import type { Context } from '../commands/context.js';
import { runFree } from '../commands/free.js';
import { runMcp } from '../commands/mcp.js';
import { runQuery } from '../commands/query.js';
import { runStatus } from '../commands/status.js';
import { runSuggest } from '../commands/suggest.js';
import { PmError } from '../core/errors.js';
import type { NoticeSource } from '../dashboard/ui/app.js';
import { ephemeralRange } from '../os/shared/ephemeral-range.js';
import { type FlagName, type FlagValues, globalFlags } from './flags.js';
import type { Env, Settings } from './settings.js';
import { DEFAULT_INTERVAL_MS } from './values.js';

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
  /** Help text for `pm help`: rendered from this table, passed in to avoid an import cycle. */
  readonly help: (command?: string) => string;
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

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'dashboard',
    usage: ['', 'dashboard [--interval MS] [--all] [--once]'],
    summary:
      'the live dashboard; `pm` alone runs it (prints the table once when not in a terminal)',
    examples: ['pm', 'pm --interval 500'],
    flags: ['once', 'all', 'interval'],
    async run({ ctx, input, flags, environment, interactive, notices, env }) {
      if (input.length > 0) throw unknownCommand(input[0] as string);
      if (flags.once || ctx.json || !interactive) {
        return runStatus(ctx, [], { all: flags.all }, environment.registryPath);
      }
      const { runDashboard } = await import('../dashboard/terminal/run-dashboard.js');
      return runDashboard({
        deps: ctx.deps,
        registryPath: environment.registryPath,
        home: environment.home,
        intervalMs: flags.interval ?? DEFAULT_INTERVAL_MS,
        color: environment.color(flags.color),
        notices,
        tmux: (env.TMUX ?? '') !== '',
        showUnmanaged: flags.all,
      });
    },
  },
  {
    name: 'status',
    usage: ['status [--all]'],
    summary: 'the allocation table with who listens on each port, once',
    examples: ['pm status', 'pm status --all --json'],
    flags: ['all'],
    run: ({ ctx, input, flags, environment }) =>
      runStatus(ctx, input, { all: flags.all }, environment.registryPath),
  },
  {
    name: 'allocate',
    args: 'project-service',
    usage: [
      'allocate <project> <service> [--port N | --prefer N] [--force] [--path DIR]',
      'allocate <service>   (for the project of the current directory: .pm.toml or recorded path)',
    ],
    summary: 'hand out a port, or the one already handed out; prints just the port',
    examples: [
      'PORT=$(pm allocate shop web) npm run dev',
      'pm allocate shop api --prefer 4000',
      'pm allocate shop web --path .',
    ],
    flags: ['port', 'prefer', 'force', 'path'],
    run: ({ ctx, input, flags }) => runAllocate(ctx, input, flags),
  },
  {
    name: 'free',
    args: 'project-service',
    usage: [
      'free <project> <service>',
      'free <project> --all',
      'free :<port>',
      'free <service>   (of the project of the current directory)',
      'free --all   (every service of the project of the current directory)',
    ],
    summary: 'release one service, every service of a project, or whoever owns a port',
    examples: ['pm free shop web', 'pm free shop --all', 'pm free :3000', 'pm free --all'],
    flags: ['all'],
    flagNotes: { all: 'release every service of the project, not one' },
    run: ({ ctx, input, flags }) => runFree(ctx, input, flags),
  },
  {
    name: 'kill',
    args: 'project-service',
    usage: [
      'kill <project> <service> [--timeout S] [--signal NAME] [--dry-run] [--force]',
      'kill :<port> [--timeout S] [--signal NAME] [--dry-run] [--force]',
      'kill <service>   (of the project of the current directory)',
    ],
    summary:
      'stop the process listening on a port: SIGTERM, then SIGKILL after --timeout; a container publishing it is stopped through its engine; exit 0 when the port is free',
    examples: [
      'pm kill shop web',
      'pm kill :3000 --dry-run',
      'pm kill :3000 --timeout 2',
      'pm kill :3000 --signal INT',
    ],
    flags: ['timeout', 'signal', 'dry-run', 'force'],
    flagNotes: {
      'dry-run':
        'show who would be signalled (pid, owner, command, port) or which container would be stopped; signal nothing',
      force: "as root: also stop another user's process that pm run did not start for this service",
    },
    run: async ({ ctx, input, flags }) =>
      (await import('../commands/kill.js')).runKill(ctx, input, {
        ...flags,
        dryRun: flags['dry-run'],
        force: flags.force,
      }),
  },
  {
    name: 'suggest',
    usage: ['suggest [--count N] [--prefer N]'],
    summary: 'the next free ports, without reserving them',
    examples: ['pm suggest --count 3'],
    flags: ['count', 'prefer'],
    run: ({ ctx, input, flags }) => runSuggest(ctx, input, flags),
  },
  {
    name: 'query',
    args: 'project-service',
    usage: [
      'query <project> [<service>]',
      'query :<port>',
      'query   (the services of the project of the current directory)',
    ],
    summary: 'look up allocations, or who owns a port and who listens on it now',
    examples: ['pm query shop', 'pm query shop web', 'pm query :3000', 'pm query'],
    flags: [],
    run: ({ ctx, input }) => runQuery(ctx, input),
  },
  {
    name: 'config',
    usage: ['config [--range A-B] [--exclude LIST]'],
    summary: 'show or change the range ports come from and the ports never handed out',
    examples: ['pm config', 'pm config --range 3000-3999 --exclude 3306,5432'],
    flags: ['range', 'exclude'],
    run: ({ ctx, input, flags, environment }) =>
      runConfig(ctx, input, flags, environment.registryPath, ephemeralRange()),
  },
  {
    name: 'run',
    args: 'project-service',
    usage: [
      'run <project> <service> [--env NAME] -- <command> [args...]',
      'run <service> -- <command> [args...]   (the project of the current directory: .pm.toml, worktree or recorded path)',
    ],
    summary:
      "run a command with its port in PORT and every sibling's in <SERVICE>_PORT; exits with its code",
    examples: [
      'pm run shop web -- npm run dev',
      'pm run shop api --env API_PORT -- node server.js',
    ],
    flags: ['env'],
    takesCommand: true,
    // Loaded on use, like the dashboard: the other commands' start-up does not pay for it.
    run: async ({ ctx, input, trailing, flags, env }) =>
      (await import('../commands/run.js')).runRun(
        ctx,
        input,
        trailing,
        { env: flags.env },
        { environment: env },
      ),
  },
  {
    name: 'env',
    args: 'project',
    usage: ['env [<project>] [--format dotenv|shell|json] [--write FILE]'],
    summary: "the <SERVICE>_PORT variables of a project's services, or kept in a block of FILE",
    examples: ['pm env shop', 'eval "$(pm env shop --format shell)"', 'pm env shop --write .env'],
    flags: ['format', 'write'],
    run: async ({ ctx, input, flags }) =>
      (await import('../commands/env.js')).runEnv(ctx, input, flags),
  },
  {
    name: 'doctor',
    usage: ['doctor [--restore]'],
    summary: 'check the registry, its backup, the lock and the scanner',
    examples: ['pm doctor', 'pm doctor --restore'],
    flags: ['restore'],
    run: async ({ ctx, input, flags, environment }) =>
      (await import('../commands/doctor.js')).runDoctor(
        ctx,
        input,
        flags,
        ephemeralRange(),
        environment.scannerMode === 'none',
      ),
  },
  {
    name: 'up',
    usage: ['up [--prune]'],
    summary:
      'allocate every service the nearest .pm.toml declares, in one go; a git worktree gets its own ports',
    examples: ['pm up', 'pm up --json', 'pm up --prune'],
    flags: ['prune'],
    run: async ({ ctx, input, flags }) =>
      (await import('../commands/up.js')).runUp(ctx, input, flags),
  },
  {
    name: 'prune',
    usage: ['prune [--dry-run]'],
    summary: 'free the ports of projects whose directory no longer exists (a removed worktree)',
    examples: ['pm prune --dry-run', 'pm prune'],
    flags: ['dry-run'],
    run: async ({ ctx, input, flags }) =>
      (await import('../commands/prune.js')).runPrune(ctx, input, { dryRun: flags['dry-run'] }),
  },
  {
    name: 'mcp',
    usage: ['mcp'],
    summary:
      'a Model Context Protocol server on stdio, so coding agents ask pm for ports (docs/mcp.md)',
    examples: ['claude mcp add pm -- pm mcp'],
    flags: [],
    // The server and the MCP SDK load inside runMcp, only when this command runs.
    run: ({ ctx, input, environment }) => runMcp(ctx, input, environment.registryPath),
  },
  {
    name: 'completion',
    args: 'shell',
    usage: [
      'completion bash|zsh|fish',
      'completion names [<project>]   (project names, or a project’s services: for the scripts)',
      'completion first   (project names and the services of the project here: for the scripts)',
    ],
    summary: 'a shell completion script: commands, flags, project and service names',
    examples: [
      'pm completion bash > ~/.local/share/bash-completion/completions/pm',
      'pm completion fish > ~/.config/fish/completions/pm.fish',
    ],
    flags: [],
    run: async ({ ctx, input }) =>
      (await import('./completion.js')).runCompletion(ctx, input, completionTable()),
  },
  {
    name: 'help',
    args: 'command',
    usage: ['help [<command>]'],
    summary: 'every command, or one command’s usage, flags and examples',
    examples: ['pm help allocate'],
    flags: [],
    async run({ ctx, input, help }) {
      if (input.length > 1) throw new PmError('USAGE', 'usage: pm help [<command>]');
      ctx.io.out(help(input[0]));
      return 0;
    },
  },
];

/** The entry for `name`; an unknown name is a usage error listing what exists. */
export function commandNamed(name: string): CommandSpec {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) throw unknownCommand(name);
  return command;
}

function unknownCommand(name: string): PmError {
  return new PmError(
    'USAGE',
    `unknown command '${name}'`,
    `commands: ${COMMANDS.map((command) => command.name).join(', ')}; run 'pm help'`,
  );
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
