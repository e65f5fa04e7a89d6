// Drives a program in a real terminal: a detached tmux session of fixed size on a private
// server socket, so tests never touch the user's tmux or each other.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tmuxAvailable(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TmuxSession {
  readonly socket: string;
  /** The screen as plain text. */
  capture(): string;
  /** The screen with colours and styles (ANSI SGR sequences). */
  captureAnsi(): string;
  /** Named keys as tmux spells them: 'Enter', 'Escape', 'Down', 'C-c'. */
  keys(...keys: string[]): void;
  /** Text typed literally, character by character. */
  type(text: string): void;
  /** A tmux format about the pane, e.g. '#{alternate_on}'. */
  display(format: string): string;
  /** The program's exit code once it has exited, else undefined. */
  exitCode(): number | undefined;
  /** The pid of the process in the pane with `arg` as one of its arguments. */
  pidOf(arg: string): number;
  waitFor(
    predicate: (screen: string) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<string>;
  /** Waits for the program to exit; resolves with its exit code. */
  waitForExit(timeoutMs?: number): Promise<number>;
  /** Waits until a tmux format reads as expected (tmux takes in output asynchronously). */
  waitForDisplay(format: string, expected: string, timeoutMs?: number): Promise<void>;
  kill(): void;
}

export interface SessionOptions {
  readonly command: readonly string[];
  readonly width: number;
  readonly height: number;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Variables removed from the program's environment (CI ones always are). */
  readonly unset?: readonly string[];
  /**
   * The shell around the program ignores SIGINT (as an interactive shell would), so a Ctrl-C
   * that signals the whole foreground group does not end the shell before it records the
   * program's exit code.
   */
  readonly shellIgnoresInterrupt?: boolean;
}

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

export function startSession(options: SessionOptions): TmuxSession {
  // A missing tmux fails the test rather than skipping it: a skipped e2e suite proves nothing.
  if (!tmuxAvailable()) {
    throw new Error(
      'tmux is not installed: the end-to-end tests drive a real terminal with it (apt-get install tmux; .ci/run installs it)',
    );
  }
  const socket = `pm-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  // tmux's #{pane_dead_status} is empty on some systems (3.3a in containers): the shell
  // around the program records the exit code instead.
  const statusFile = join(tmpdir(), `${socket}.status`);
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  // Ink renders nothing live when it thinks it runs in CI; a user's terminal never has CI set.
  const env = Object.entries(options.env ?? {})
    .map(([key, value]) => `${key}=${quote(value)}`)
    .join(' ');
  const unset = ['CI', 'CONTINUOUS_INTEGRATION', ...(options.unset ?? [])]
    .map((name) => `-u ${name}`)
    .join(' ');
  const program = `env ${unset} ${env} ${options.command.map(quote).join(' ')}`;
  // The shell then stays, so the terminal's state after the program can be inspected: tmux
  // reports no cursor at all for a dead pane.
  const trap = options.shellIgnoresInterrupt ? "trap '' INT; " : '';
  const command = `/bin/sh -c ${quote(`${trap}${program}; echo $? > ${quote(statusFile)}; exec sleep 600`)}`;
  tmux(
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(options.width),
    '-y',
    String(options.height),
    ...(options.cwd ? ['-c', options.cwd] : []),
    command,
    // Keep the pane after the program exits, so the test can read its exit status.
    ';',
    'set-option',
    '-w',
    '-t',
    'main',
    'remain-on-exit',
    'on',
  );
  const session: TmuxSession = {
    socket,
    capture: () => tmux('capture-pane', '-p', '-t', 'main'),
    captureAnsi: () => tmux('capture-pane', '-p', '-e', '-t', 'main'),
    keys: (...keys) => {
      tmux('send-keys', '-t', 'main', ...keys);
    },
    type: (text) => {
      tmux('send-keys', '-t', 'main', '-l', text);
    },
    display: (format) => tmux('display-message', '-p', '-t', 'main', format).trim(),
    exitCode: () => {
      if (!existsSync(statusFile)) return undefined;
      const text = readFileSync(statusFile, 'utf8').trim();
      return text === '' ? undefined : Number(text);
    },
    async waitFor(predicate, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let screen = '';
      for (;;) {
        screen = session.capture();
        if (predicate(screen)) return screen;
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${screen}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    pidOf: (arg) => {
      const queue = [Number(tmux('list-panes', '-t', 'main', '-F', '#{pane_pid}').trim())];
      while (queue.length > 0) {
        const pid = queue.shift() as number;
        try {
          const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
          if (args.includes(arg)) return pid;
          for (const task of readdirSync(`/proc/${pid}/task`)) {
            const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
            queue.push(...children.split(' ').filter(Boolean).map(Number));
          }
        } catch {
          // exited meanwhile
        }
      }
      throw new Error(`no process with argument '${arg}' in the pane`);
    },
    async waitForExit(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const code = session.exitCode();
        if (code !== undefined) return code;
        if (Date.now() > deadline) {
          throw new Error(`the program did not exit; screen:\n${session.capture()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async waitForDisplay(format, expected, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = session.display(format);
        if (value === expected) return;
        if (Date.now() > deadline) {
          throw new Error(`${format} stayed '${value}', expected '${expected}'`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
      rmSync(statusFile, { force: true });
    },
  };
  return session;
}
