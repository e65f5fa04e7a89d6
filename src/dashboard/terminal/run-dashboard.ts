// Starts the dashboard in the terminal and resolves with the exit code once the user quits.
// The dashboard takes over the alternate screen, like htop or less, so quitting gives the
// user back the shell exactly as it was.
//
// This module loads neither React nor Ink: the first frame is painted from the first scan
// as plain lines (first-frame.ts), and only then is the interactive part (render-app.tsx)
// imported. Keys pressed meanwhile wait in the terminal (raw mode, no echo) for Ink to read.
import { constants } from 'node:os';
import { sep } from 'node:path';
import type { Deps } from '../../core/actions/index.js';
import { currentPlatform } from '../../os/index.js';
import { openUrl } from '../../os/shared/open-url.js';
import { loadFirstView } from '../effects/first-view.js';
import type { NoticeSource } from '../ui/app.js';
import { firstFrame } from './first-frame.js';
import { formatClock, Screen } from './screen.js';

export interface DashboardOptions {
  readonly deps: Deps;
  readonly registryPath: string;
  /** The user's home directory (Settings), to show the registry's path under `~`. */
  readonly home?: string | undefined;
  readonly intervalMs: number;
  readonly color: boolean;
  readonly notices?: NoticeSource;
  /** Inside tmux ($TMUX set): the clipboard sequence is also sent through tmux's passthrough. */
  readonly tmux?: boolean;
  /** `--all`: start with the unmanaged rows shown (`u` still toggles them). */
  readonly showUnmanaged?: boolean;
}

const HANDLED_SIGNALS = ['SIGTERM', 'SIGHUP'] as const;

/** '~/.config/port-manager/registry.toml' rather than the full home path: shorter, familiar. */
export function displayPath(path: string, home: string): string {
  if (home === '' || home === sep) return path;
  if (path === home) return '~';
  return path.startsWith(`${home}${sep}`) ? `~${path.slice(home.length)}` : path;
}

/**
 * Ctrl-Z: raw mode turns it into a key, so pm does what the terminal would have done: give
 * the terminal back and stop the whole job (SIGTSTP to the process group, so a wrapper such as
 * `npx` stops too and the shell sees a stopped job). A signal to oneself takes effect before
 * kill() returns, so the next line runs after `fg`: take the terminal again and paint it all.
 * Where nobody could resume pm (no job control: the kernel drops the signal) it just carries
 * on. Windows has no job control.
 */
function suspender(screen: Screen): (() => void) | undefined {
  if (currentPlatform().name === 'win32') return undefined;
  return () => {
    screen.close();
    process.stdin.setRawMode?.(false);
    try {
      process.kill(0, 'SIGTSTP');
    } finally {
      process.stdin.setRawMode?.(true);
      screen.open();
      screen.redraw();
    }
  };
}

export async function runDashboard(options: DashboardOptions): Promise<number> {
  const initial = await loadFirstView(options.deps);
  const stdin = process.stdin;
  const screen = new Screen(process.stdout);
  const restore = () => {
    screen.close();
    if (stdin.isTTY) stdin.setRawMode(false);
  };
  // Killed or hung up: give the terminal back, then exit as the signal would have.
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    process.exit(128 + (constants.signals[signal] ?? 0));
  };
  screen.open();
  // A process.exit elsewhere (SIGINT in the CLI) must not strand the user on this screen.
  process.once('exit', restore);
  for (const signal of HANDLED_SIGNALS) process.once(signal, onSignal);
  const registryPath = displayPath(options.registryPath, options.home ?? '');
  const onRefreshed = () => screen.setStatus(`refreshed ${formatClock(Date.now())}`);
  const suspend = suspender(screen);
  const terminal = { redraw: () => screen.redraw(), ...(suspend ? { suspend } : {}) };
  try {
    if (initial) {
      if (stdin.isTTY) stdin.setRawMode(true);
      screen.write(
        firstFrame(initial, {
          columns: screen.columns,
          rows: screen.rows,
          registryPath,
          intervalMs: options.intervalMs,
          color: options.color,
          showUnmanaged: options.showUnmanaged === true,
        }).join('\n'),
      );
      onRefreshed();
    }
    const { renderApp } = await import('./render-app.js');
    return await renderApp(screen, {
      deps: options.deps,
      registryPath,
      intervalMs: options.intervalMs,
      color: options.color,
      showUnmanaged: options.showUnmanaged === true,
      onRefreshed,
      terminal,
      acting: {
        writeTerminal: (sequence) => screen.passthrough(sequence),
        tmux: options.tmux === true,
        openUrl: (url) => openUrl(url),
      },
      ...(options.notices ? { notices: options.notices } : {}),
      ...(initial ? { initial } : {}),
    });
  } finally {
    // An error (a bug: expected failures are shown inside the dashboard) is printed by the
    // CLI after this, on the normal screen where it stays readable.
    restore();
    process.off('exit', restore);
    for (const signal of HANDLED_SIGNALS) process.off(signal, onSignal);
    options.deps.scanner.dispose?.();
  }
}
