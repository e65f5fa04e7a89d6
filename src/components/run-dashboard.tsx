// Starts the dashboard in the terminal and resolves with the exit code once the user quits.
// The dashboard takes over the alternate screen, like htop or less, so quitting gives the
// user back the shell exactly as it was.
import { constants, homedir } from 'node:os';
import { sep } from 'node:path';
import { render } from 'ink';
import type { Deps } from '../core/actions.js';
import { openUrl } from '../native/open-url.js';
import { App, type NoticeSource } from './app.js';
import { formatClock, Screen } from './screen.js';

export interface DashboardOptions {
  readonly deps: Deps;
  readonly registryPath: string;
  readonly intervalMs: number;
  readonly color: boolean;
  readonly notices?: NoticeSource;
  /** Inside tmux ($TMUX set): the clipboard sequence is also sent through tmux's passthrough. */
  readonly tmux?: boolean;
}

const HANDLED_SIGNALS = ['SIGTERM', 'SIGHUP'] as const;

/** '~/.config/port-manager/registry.toml' rather than the full home path: shorter, familiar. */
export function displayPath(path: string, home: string): string {
  if (home === '' || home === sep) return path;
  if (path === home) return '~';
  return path.startsWith(`${home}${sep}`) ? `~${path.slice(home.length)}` : path;
}

export async function runDashboard(options: DashboardOptions): Promise<number> {
  const screen = new Screen(process.stdout);
  const restore = () => screen.close();
  // Killed or hung up: give the terminal back, then exit as the signal would have.
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    process.exit(128 + (constants.signals[signal] ?? 0));
  };
  screen.open();
  // A process.exit elsewhere (SIGINT in the CLI) must not strand the user on this screen.
  process.once('exit', restore);
  for (const signal of HANDLED_SIGNALS) process.once(signal, onSignal);
  let exitCode = 0;
  const instance = render(
    <App
      deps={options.deps}
      registryPath={displayPath(options.registryPath, homedir())}
      intervalMs={options.intervalMs}
      color={options.color}
      onRefreshed={() => screen.setStatus(`refreshed ${formatClock(Date.now())}`)}
      {...(options.notices ? { notices: options.notices } : {})}
      onExitCode={(code) => {
        exitCode = code;
      }}
      acting={{
        writeTerminal: (sequence) => screen.passthrough(sequence),
        tmux: options.tmux === true,
        openUrl: (url) => openUrl(url),
      }}
    />,
    {
      stdout: screen as unknown as NodeJS.WriteStream,
      // Debug mode hands each whole frame to the Screen, which repaints only changed lines.
      debug: true,
      // Ctrl-C is a key like any other: the keymap quits on it, and the exit code says 130.
      exitOnCtrlC: false,
    },
  );
  try {
    await instance.waitUntilExit();
    return exitCode;
  } finally {
    // An error (a bug: expected failures are shown inside the dashboard) is printed by the
    // CLI after this, on the normal screen where it stays readable.
    restore();
    process.off('exit', restore);
    for (const signal of HANDLED_SIGNALS) process.off(signal, onSignal);
    options.deps.scanner.dispose?.();
  }
}
