// Starts the dashboard in the terminal and resolves with the exit code once the user quits.
// The dashboard takes over the alternate screen, like htop or less, so quitting gives the
// user back the shell exactly as it was.
import { render } from 'ink';
import type { Deps } from '../core/actions.js';
import { App } from './app.js';
import { Screen } from './screen.js';

export interface DashboardOptions {
  readonly deps: Deps;
  readonly registryPath: string;
  readonly intervalMs: number;
  readonly color: boolean;
}

export async function runDashboard(options: DashboardOptions): Promise<number> {
  const screen = new Screen(process.stdout);
  const restore = () => screen.close();
  screen.open();
  // A signal or a process.exit elsewhere must not strand the user on the alternate screen.
  process.once('exit', restore);
  const instance = render(
    <App
      deps={options.deps}
      registryPath={options.registryPath}
      intervalMs={options.intervalMs}
      color={options.color}
    />,
    {
      stdout: screen as unknown as NodeJS.WriteStream,
      // Debug mode hands each whole frame to the Screen, which repaints only changed lines.
      debug: true,
      // Ctrl-C is a key like any other (the keymap quits on it), so the exit code stays 0.
      exitOnCtrlC: false,
    },
  );
  try {
    await instance.waitUntilExit();
    return 0;
  } finally {
    // An error (a bug: expected failures are shown inside the dashboard) is printed by the
    // CLI after this, on the normal screen where it stays readable.
    restore();
    process.off('exit', restore);
    options.deps.scanner.dispose?.();
  }
}
