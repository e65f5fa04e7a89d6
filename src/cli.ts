#!/usr/bin/env node
import { runAllocate } from './commands/allocate.js';
// Entry point: parse, dispatch, print, set the exit code. The dashboard (React + Ink) is
// imported only when it is shown, so scripting paths start as fast as plain Node.
import { type ParsedArgs, parseArguments } from './commands/arguments.js';
import { runConfig } from './commands/config.js';
import type { Context, Io } from './commands/context.js';
import { runDoctor } from './commands/doctor.js';
import { runFree } from './commands/free.js';
import { parseInterval } from './commands/interval.js';
import { runQuery } from './commands/query.js';
import { runStatus } from './commands/status.js';
import { runSuggest } from './commands/suggest.js';
import type { Deps } from './core/actions.js';
import { EXIT, isPmError, PmError } from './core/errors.js';
import { RegistryStore, resolveRegistryPath } from './core/store.js';
import { bindProbe } from './native/bind-probe.js';
import { ephemeralRange } from './native/ephemeral-range.js';
import { createScanner } from './native/index.js';
import { processCwd } from './native/process-cwd.js';
import { errorJson, errorLines } from './view/errors.js';
import { sanitize } from './view/sanitize.js';
import { colorWanted, createStyle } from './view/style.js';

declare const PM_VERSION: string;

const HELP = `
  pm: a stable port for every local project, and who is using it right now

  Usage
    $ pm                                   live dashboard (a snapshot when not in a terminal)
    $ pm --once | pm status [--all]        the allocation table, once
    $ pm allocate <project> <service>      hand out a port (prints just the port)
        [--port N | --prefer N] [--force] [--path DIR]
    $ pm allocate <service>                the same, for the project whose --path holds
                                           the current directory
    $ pm free <project> <service>          release one service
    $ pm free <project> --all              release every service of a project
    $ pm free :<port>                      release whoever owns a port
    $ pm suggest [--count N]               the next free ports, not reserved
    $ pm query <project> [<service>]       look up allocations
    $ pm query :<port>                     who owns a port, and who listens on it now
    $ pm config [--range A-B] [--exclude LIST]
    $ pm doctor [--restore]                check the registry, backup, lock and scanner

  Options
    --registry PATH   registry file (default: $PM_REGISTRY, else ~/.config/port-manager/registry.toml)
    --json            machine-readable output (errors too, on stderr)
    --all             status: also list listeners in the range that nobody allocated
    --path DIR        allocate: record the project's directory; a listener started
                      outside it then shows as a conflict
    --interval MS     dashboard refresh period (default 1000)
    --no-color        no colours (NO_COLOR is honoured too)
    --help, --version

  Examples
    $ PORT=$(pm allocate shop web) npm run dev
    $ pm allocate shop api --prefer 4000
    $ pm query :3000
    $ pm free shop --all

  Exit codes: 0 ok, 1 the operation failed, 2 invalid input, 130 interrupted.
`;

const io: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

// node:util parseArgs rather than meow: meow normalises a package.json on every start
// (normalize-package-data, spdx tables), which measured ~25 ms, a fifth of a bare Node start,
// on paths that must stay within 1.3x of `node -e 0` (see docs/benchmarks.md).
let parsed: ParsedArgs;
try {
  parsed = parseArguments(process.argv.slice(2));
} catch (error) {
  process.exitCode = reportEarly(error);
  process.exit();
}
const { flags, input } = parsed;
if (flags.help) {
  io.out(HELP.trimEnd());
  process.exit(0);
}
if (flags.version) {
  io.out(PM_VERSION);
  process.exit(0);
}
const [command, ...rest] = input;

/** Flags that only make sense with some commands are refused elsewhere, not silently ignored. */
const FLAGS_BY_COMMAND: Record<string, readonly CommandFlag[]> = {
  allocate: ['port', 'prefer', 'force', 'path'],
  free: ['all'],
  suggest: ['count', 'prefer'],
  query: [],
  config: ['range', 'exclude'],
  status: ['all'],
  doctor: ['restore'],
  '': ['once', 'all', 'interval'],
};

type CommandFlag =
  | 'port'
  | 'prefer'
  | 'force'
  | 'path'
  | 'all'
  | 'count'
  | 'range'
  | 'exclude'
  | 'restore'
  | 'once'
  | 'interval';
const COMMAND_FLAGS = [...new Set(Object.values(FLAGS_BY_COMMAND).flat())];

function checkFlags(name: string): void {
  const allowed = FLAGS_BY_COMMAND[name] ?? [];
  for (const flag of COMMAND_FLAGS) {
    const value = flags[flag];
    const given = typeof value === 'boolean' ? value : value !== undefined;
    if (given && !allowed.includes(flag)) {
      throw new PmError('USAGE', `--${flag} does not apply to ${name ? `'pm ${name}'` : "'pm'"}`, {
        kind: 'help',
      });
    }
  }
}

async function main(): Promise<number> {
  const json = flags.json;
  const registryPath = resolveRegistryPath(flags.registry);
  // Notes go to stderr, or to the dashboard's message area while it owns the screen.
  const noticeListeners = new Set<(text: string) => void>();
  const store = new RegistryStore({
    path: registryPath,
    onNotice: (message) => {
      if (noticeListeners.size === 0) io.err(`note: ${sanitize(message)}`);
      for (const listener of noticeListeners) listener(message);
    },
  });
  const notices = {
    subscribe(listener: (text: string) => void) {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
  };
  const deps: Deps = { store, scanner: createScanner(), probe: bindProbe, cwdOf: processCwd };
  const style = createStyle(!json && colorWanted(flags.color, process.stdout));
  const width = process.stdout.isTTY ? process.stdout.columns : undefined;
  const ctx: Context = { deps, json, style, io, ...(width ? { width } : {}) };
  const name = command ?? '';
  if (name in FLAGS_BY_COMMAND) checkFlags(name);

  switch (command) {
    case undefined: {
      const interval = parseInterval(flags.interval);
      if (rest.length > 0) throw new PmError('USAGE', `unknown command '${rest[0]}'`);
      if (flags.once || json || !process.stdout.isTTY || !process.stdin.isTTY) {
        return runStatus(ctx, [], { all: flags.all }, registryPath);
      }
      const { runDashboard } = await import('./components/run-dashboard.js');
      return runDashboard({
        deps,
        registryPath,
        intervalMs: interval,
        color: colorWanted(flags.color, process.stdout),
        notices,
      });
    }
    case 'status':
      return runStatus(ctx, rest, { all: flags.all }, registryPath);
    case 'allocate':
      return runAllocate(ctx, rest, flags);
    case 'free':
      return runFree(ctx, rest, flags);
    case 'suggest':
      return runSuggest(ctx, rest, flags);
    case 'query':
      return runQuery(ctx, rest);
    case 'config':
      return runConfig(ctx, rest, flags, registryPath);
    case 'doctor':
      return runDoctor(ctx, rest, flags, ephemeralRange());
    default:
      throw new PmError('USAGE', `unknown command '${command}'`, { kind: 'help' });
  }
}

/** Before flags are known (a bad flag): plain text unless --json is among the arguments. */
function reportEarly(error: unknown): number {
  const json = process.argv.includes('--json');
  if (isPmError(error)) {
    if (json) io.err(JSON.stringify({ error: errorJson(error) }));
    else io.err(errorLines(error).join('\n'));
    return error.exitCode;
  }
  throw error;
}

function report(error: unknown): number {
  if (isPmError(error)) {
    if (flags.json) io.err(JSON.stringify({ error: errorJson(error) }));
    else for (const line of errorLines(error)) io.err(line);
    return error.exitCode;
  }
  // Not a failure a user can cause: show everything, it is a bug report.
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (flags.json) io.err(JSON.stringify({ error: { code: 'INTERNAL', message: String(error) } }));
  // A bug report may quote foreign text too (a path in an OS error): each line sanitized.
  else
    io.err(
      `pm: internal error (please report it):\n${detail.split('\n').map(sanitize).join('\n')}`,
    );
  return EXIT.failed;
}

process.on('SIGINT', () => process.exit(EXIT.interrupted));

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error);
  },
);
