// The CLI as a function: main(argv, io) parses, wires, dispatches and returns the exit code.
// It never exits the process, nor reads process.env, cwd or stdout: io provides them, so
// tests run it in-process and the bin (src/bin.ts) is a shim.
import { resolve } from 'node:path';
import type { Context, Io } from '../commands/context.js';
import { EXIT, isPmError } from '../core/errors.js';
import type { NoticeSource } from '../dashboard/ui/app.js';
import { currentPlatform } from '../os/index.js';
import { errorJson, errorLines } from '../view/errors.js';
import { sanitize } from '../view/sanitize.js';
import { createStyle } from '../view/style.js';
import { createDeps } from '../wiring.js';
import { COMMAND_NAMES, completionTable } from './commands.js';
import { type NamedRegistry, renderHelp } from './help.js';
import { commandOf, flagValues, splitCommandLine } from './parse.js';
import { type Env, readSettings } from './settings.js';

declare const PM_VERSION: string;

export interface Output {
  write(text: string): unknown;
}

export interface MainIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Env;
  readonly cwd: string;
  /** stdout is a terminal: colour, and tables fit `columns`. */
  readonly isTTY: boolean;
  /** stdin is a terminal too: only then can the live dashboard take keys. */
  readonly stdinIsTTY?: boolean;
  readonly columns?: number;
  /** Unset (tests): the running one, which help and the environment default to. */
  readonly platform?: NodeJS.Platform;
}

export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  const lines: Io = {
    out: (text) => io.stdout.write(`${text}\n`),
    err: (text) => io.stderr.write(`${text}\n`),
  };
  // Until the flags are parsed, --json anywhere asks for JSON errors.
  let json = argv.includes('--json');
  try {
    const line = splitCommandLine(argv);
    const { platform } = io;
    const help = (name?: string) => renderHelp(name, platform, namedRegistry(line.given, io));
    if (line.given.get('help') === true) {
      lines.out(help(line.commandName));
      return EXIT.ok;
    }
    if (line.given.get('version') === true) {
      lines.out(typeof PM_VERSION === 'string' ? PM_VERSION : 'development');
      return EXIT.ok;
    }
    const command = commandOf(line);
    const flags = flagValues(command, line, { cwd: io.cwd });
    json = flags.json;
    const environment = readSettings(
      io.env,
      {
        cwd: io.cwd,
        isTTY: io.isTTY,
        ...(flags.registry !== undefined ? { registryFlag: flags.registry } : {}),
      },
      platform,
    );
    // Notes go to stderr, or to the dashboard's message area while it owns the screen.
    const noticeListeners = new Set<(text: string) => void>();
    const notices: NoticeSource = {
      subscribe(listener) {
        noticeListeners.add(listener);
        return () => noticeListeners.delete(listener);
      },
    };
    const deps = createDeps({
      ...environment,
      onNotice: (message) => {
        // The store words its own warnings ("warning: ..."); everything else is a note.
        const shown = message.startsWith('warning: ') ? message : `note: ${message}`;
        if (noticeListeners.size === 0) lines.err(sanitize(shown));
        for (const listener of noticeListeners) listener(message);
      },
    });
    const ctx: Context = {
      deps,
      json,
      style: createStyle(!json && environment.color(flags.color)),
      io: lines,
      cwd: io.cwd,
      ...(io.isTTY && io.columns ? { width: io.columns } : {}),
    };
    return await command.run({
      ctx,
      input: line.input,
      trailing: line.trailing,
      env: io.env,
      flags,
      environment,
      // A getter: only the dashboard asks, and asking creates process.stdin, which costs.
      get interactive() {
        return io.isTTY && io.stdinIsTTY === true;
      },
      notices,
      table: { help, completions: completionTable, names: COMMAND_NAMES },
    });
  } catch (error) {
    return report(error, json, lines);
  }
}

/** The registry named on the line or in the environment, for help to show the one in use. */
function namedRegistry(
  given: ReadonlyMap<string, string | boolean>,
  io: MainIo,
): NamedRegistry | undefined {
  const flag = given.get('registry');
  if (typeof flag === 'string' && flag.trim() !== '') {
    return { path: resolve(io.cwd, flag), source: '--registry' };
  }
  const env = io.env.PM_REGISTRY;
  return env ? { path: resolve(io.cwd, env), source: '$PM_REGISTRY' } : undefined;
}

function report(error: unknown, json: boolean, io: Io): number {
  if (isPmError(error)) {
    if (json) io.err(JSON.stringify({ error: errorJson(error) }));
    else for (const line of errorLines(error)) io.err(line);
    return error.exitCode;
  }
  // Not a failure a user can cause: show everything, it is a bug report.
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json) io.err(JSON.stringify({ error: { code: 'INTERNAL', message: String(error) } }));
  // A bug report may quote foreign text too (a path in an OS error): each line sanitized.
  else
    io.err(
      `pm: internal error (please report it):\n${detail.split('\n').map(sanitize).join('\n')}`,
    );
  return EXIT.failed;
}

/**
 * stdout that goes quiet once its reader has gone (`pm status | head -1`): the rest of the
 * output has nobody to read it, which is no failure of pm's. The command still finishes (a
 * registry change is not cut short) and exits with its own code. Other write errors stay
 * errors.
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): Output {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return { write: (text) => (closed ? false : stream.write(text)) };
}

/** The real process as main's io: the one place the CLI touches process.* directly. */
export function processIo(): MainIo {
  return {
    stdout: quietOnClosedPipe(process.stdout),
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    platform: currentPlatform().name as NodeJS.Platform,
    isTTY: process.stdout.isTTY === true,
    // Read lazily (see main): creating process.stdin costs a command that never reads it.
    get stdinIsTTY() {
      return process.stdin.isTTY === true;
    },
    ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
  };
}

/** What the bin does: Ctrl-C is exit 130, and the exit code is set, not forced. */
export async function runAsProcess(): Promise<void> {
  process.on('SIGINT', () => process.exit(EXIT.interrupted));
  process.exitCode = await main(process.argv.slice(2), processIo());
}
