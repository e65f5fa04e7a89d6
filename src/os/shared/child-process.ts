// Running the user's command for `pm run`: stdio inherited, the exit status passed back, and
// signals sent to pm reaching the whole process tree (npm -> sh -> vite), not just the
// first process.
//
// Process groups: without a terminal on stdin (scripts, CI, a supervisor) the child gets its
// own group (detached), and pm signals the group. With a terminal, the child stays in pm's
// group: a background group reading the terminal would be stopped by SIGTTIN (Vite reads keys),
// and Ctrl-C from the terminal already reaches every process of the foreground group. pm then
// forwards signals sent to pm alone (kill <pm pid>) to each process of the child's tree.
//
// pm dying does not leave the command behind: on Linux setpriv gives it a parent-death signal,
// on Windows a kill-on-close job object holds it (os/win32/job.ts); macOS has neither.
import { spawn } from 'node:child_process';
import { accessSync, constants as constants_fs, type Stats, statSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { isatty } from 'node:tty';

export type ForwardedSignal =
  | 'SIGINT'
  | 'SIGTERM'
  | 'SIGHUP'
  | 'SIGQUIT'
  | 'SIGUSR1'
  | 'SIGUSR2'
  | 'SIGWINCH';
/**
 * Passed on to the command. SIGUSR1 too: left to Node it would open the inspector in pm,
 * not reach the server; SIGQUIT would kill pm and leave the command behind.
 */
export const FORWARDED_SIGNALS: readonly ForwardedSignal[] = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
];
/** Windows delivers only these to a Node process. */
const WIN32_SIGNALS: readonly ForwardedSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** A terminal sends these to its whole foreground group, the command included. */
const TERMINAL_SIGNALS: ReadonlySet<ForwardedSignal> = new Set([
  'SIGINT',
  'SIGHUP',
  'SIGQUIT',
  'SIGWINCH',
]);

/**
 * util-linux's setpriv sets the parent-death signal (prctl PR_SET_PDEATHSIG) and execs the
 * command, so the command gets SIGTERM when pm dies however it dies (SIGKILL included).
 * It costs a few ms of start-up (bench/run-shim.mjs); a Node shim would cost ~50 ms.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'];

function setprivPath(platform: NodeJS.Platform): string | undefined {
  if (platform !== 'linux') return undefined;
  return SETPRIV.find((path) => {
    try {
      accessSync(path, constants_fs.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The failure spawn would have reported for `command`, found before setpriv runs it (its own
 * message would name setpriv): 127 when no file of that name is on PATH, 126 when the only
 * ones cannot be executed.
 */
function lookupFailure(
  command: string,
  env: NodeJS.ProcessEnv,
  cwd: string | undefined,
): ChildOutcome | undefined {
  const candidates = command.includes('/')
    ? [resolve(cwd ?? '.', command)]
    : (env.PATH ?? '')
        .split(delimiter)
        .map((dir) => join(resolve(cwd ?? '.', dir || '.'), command));
  let found = false;
  for (const candidate of candidates) {
    let info: Stats;
    try {
      info = statSync(candidate);
    } catch {
      continue;
    }
    found = true;
    if (!info.isFile()) continue;
    try {
      accessSync(candidate, constants_fs.X_OK);
      return undefined;
    } catch {
      // not executable: look further along PATH
    }
  }
  return found
    ? { kind: 'failed', code: 126, reason: `not executable: ${command}` }
    : { kind: 'failed', code: 127, reason: `command not found: ${command}` };
}

export type ChildOutcome =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'failed'; readonly code: 126 | 127; readonly reason: string };

export interface RunningCommand {
  readonly pid: number;
  /** Resolves when the command ends, with the exit code pm should exit with. */
  readonly done: Promise<ChildOutcome>;
}

export interface RunCommandOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Own process group; defaults to "stdin is not a terminal" (see above). */
  readonly detached?: boolean;
  /** Descendants of a pid (inclusive), for forwarding when the child shares pm's group. */
  readonly treeOf?: (pid: number) => Iterable<number>;
  readonly platform?: NodeJS.Platform;
}

/** Loaded only on Windows, where it binds kernel32 through koffi (os/win32/job.ts). */
function tieOnWindows(pid: number): void {
  void import('../win32/job.js').then(
    (job) => job.tieToThisProcess(pid),
    () => false,
  );
}

/** 128 + N for a child killed by signal N, as shells report it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

function failure(error: NodeJS.ErrnoException, command: string): ChildOutcome {
  if (error.code === 'ENOENT') {
    return { kind: 'failed', code: 127, reason: `command not found: ${command}` };
  }
  if (error.code === 'EACCES' || error.code === 'EISDIR' || error.code === 'ENOEXEC') {
    return { kind: 'failed', code: 126, reason: `not executable: ${command}` };
  }
  return { kind: 'failed', code: 126, reason: `could not start ${command}: ${error.message}` };
}

export function runCommand(argv: readonly string[], options: RunCommandOptions): RunningCommand {
  const [command, ...args] = argv as [string, ...string[]];
  const platform = options.platform ?? process.platform;
  // isatty, not process.stdin.isTTY: pm never reads stdin here, and creating the stream
  // would delay every `pm run`'s command (docs/benchmarks.md, "Measured reasons").
  const detached = platform !== 'win32' && (options.detached ?? !isatty(0));
  const setpriv = setprivPath(platform);
  if (setpriv) {
    const failed = lookupFailure(command, options.env, options.cwd);
    if (failed) return { pid: -1, done: Promise.resolve(failed) };
  }
  const [file, fileArgs] = setpriv
    ? [setpriv, ['--pdeathsig', 'TERM', '--', command, ...args]]
    : [command, args];
  const child = spawn(file, fileArgs, {
    stdio: 'inherit',
    env: options.env,
    detached,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  // Windows has no parent-death signal: a kill-on-close job object ends the command with pm.
  if (platform === 'win32' && child.pid !== undefined) tieOnWindows(child.pid);
  const forward = (signal: ForwardedSignal) => {
    const pid = child.pid;
    if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const targets = detached ? [-pid] : [...(options.treeOf?.(pid) ?? [pid])];
    for (const target of targets) {
      try {
        process.kill(target, signal);
      } catch {
        // Already gone.
      }
    }
  };
  // While the child runs, pm does not die of these signals itself: it passes them on and
  // exits with whatever the child does about them. In a shared group the terminal and the
  // shell already deliver SIGINT and SIGHUP to the child; passing them on again would make
  // it see two (a second Ctrl-C means "force quit" to many servers).
  const handled = platform === 'win32' ? WIN32_SIGNALS : FORWARDED_SIGNALS;
  const passOn = new Set<ForwardedSignal>(
    detached ? handled : handled.filter((signal) => !TERMINAL_SIGNALS.has(signal)),
  );
  const handler = (signal: ForwardedSignal) => {
    if (passOn.has(signal)) forward(signal);
  };
  // Other handlers (the bin's "Ctrl-C exits 130") step aside until the child is gone.
  const others = handled.map((signal) => [signal, process.listeners(signal)] as const);
  for (const signal of handled) {
    process.removeAllListeners(signal);
    process.on(signal, handler);
  }
  const done = new Promise<ChildOutcome>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve(failure(error, command)));
    child.once('exit', (code, signal) =>
      resolve({ kind: 'exited', code: signal ? signalExitCode(signal) : (code ?? 1) }),
    );
  }).finally(() => {
    for (const signal of handled) process.off(signal, handler);
    for (const [signal, listeners] of others)
      for (const listener of listeners) process.on(signal, listener);
  });
  return { pid: child.pid ?? -1, done };
}
