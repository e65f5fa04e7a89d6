// Drives a program in a real terminal: a detached tmux session of fixed size on a private
// server socket, so tests never touch the user's tmux or each other.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

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
  /** A tmux format about the pane, e.g. '#{pane_dead} #{pane_dead_status}'. */
  display(format: string): string;
  waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  kill(): void;
}

export interface SessionOptions {
  readonly command: readonly string[];
  readonly width: number;
  readonly height: number;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

export function startSession(options: SessionOptions): TmuxSession {
  const socket = `pm-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  // Ink renders nothing live when it thinks it runs in CI; a user's terminal never has CI set.
  const env = Object.entries(options.env ?? {})
    .map(([key, value]) => `${key}=${quote(value)}`)
    .join(' ');
  const command = `env -u CI -u CONTINUOUS_INTEGRATION ${env} ${options.command.map(quote).join(' ')}`;
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
    async waitFor(predicate, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let screen = '';
      for (;;) {
        screen = session.capture();
        if (predicate(screen)) return screen;
        if (Date.now() > deadline) {
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${screen}`);
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
    },
  };
  return session;
}
