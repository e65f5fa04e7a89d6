// The interactive dashboard: React and Ink, drawing into the screen the first frame was
// painted on. Imported only once that frame is up (run-dashboard.ts).
import { render } from 'ink';
import { App, type AppProps } from '../ui/app.js';
import type { Screen } from './screen.js';

/** Renders the app until the user quits; resolves with the exit code (0, or 130 for Ctrl-C). */
export async function renderApp(
  screen: Screen,
  props: Omit<AppProps, 'onExitCode'>,
): Promise<number> {
  let exitCode = 0;
  const instance = render(
    <App
      {...props}
      onExitCode={(code) => {
        exitCode = code;
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
  await instance.waitUntilExit();
  return exitCode;
}
