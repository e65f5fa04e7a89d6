// Starts the dashboard in the terminal and resolves with the exit code once the user quits.
// The dashboard takes over the alternate screen, like htop or less, so quitting gives the
// user back the shell exactly as it was.
import { render } from 'ink';
import type { Deps } from '../core/actions.js';
import { App } from './app.js';

export interface DashboardOptions {
  readonly deps: Deps;
  readonly registryPath: string;
  readonly intervalMs: number;
  readonly color: boolean;
}

const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h\u001b[H';
const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';

export async function runDashboard(options: DashboardOptions): Promise<number> {
  const { stdout } = process;
  let onAlternateScreen = false;
  const leave = () => {
    if (!onAlternateScreen) return;
    onAlternateScreen = false;
    stdout.write(LEAVE_ALTERNATE_SCREEN);
  };
  if (stdout.isTTY) {
    stdout.write(ENTER_ALTERNATE_SCREEN);
    onAlternateScreen = true;
    // A signal or process.exit elsewhere must not strand the user on the alternate screen.
    process.once('exit', leave);
  }
  const instance = render(
    <App
      deps={options.deps}
      registryPath={options.registryPath}
      intervalMs={options.intervalMs}
      color={options.color}
    />,
    {
      // Ctrl-C is a key like any other (the keymap quits on it), so the exit code stays 0.
      exitOnCtrlC: false,
      // Redraw only the lines that changed: the clock ticks every second, the table rarely.
      incrementalRendering: true,
    },
  );
  try {
    await instance.waitUntilExit();
    return 0;
  } finally {
    // Errors (a bug: expected failures are shown inside the dashboard) are printed by the
    // CLI after this, on the normal screen where they stay readable.
    leave();
    process.off('exit', leave);
    options.deps.scanner.dispose?.();
  }
}
