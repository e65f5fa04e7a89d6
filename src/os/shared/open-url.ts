// Opening a URL in the user's browser with the system's opener: `open` (macOS), `xdg-open`
// (Linux, BSD), `cmd /c start` (Windows). Detached with stdio ignored, so the browser (or an
// opener that lingers) neither draws over the dashboard nor keeps pm alive.

/** What opening a URL came to: done, or why there is no browser to open. */
export type OpenOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function openerFor(platform: NodeJS.Platform): { command: string; args: string[] } {
  switch (platform) {
    case 'darwin':
      return { command: 'open', args: [] };
    case 'win32':
      // `start` is a cmd built-in; its first quoted argument is the window title.
      return { command: 'cmd', args: ['/c', 'start', '""'] };
    default:
      return { command: 'xdg-open', args: [] };
  }
}

export async function openUrl(
  url: string,
  platform: NodeJS.Platform = process.platform,
): Promise<OpenOutcome> {
  const { spawn } = await import('node:child_process');
  const { command, args } = openerFor(platform);
  return new Promise((resolve) => {
    const child = spawn(command, [...args, url], {
      detached: true,
      stdio: 'ignore',
      windowsHide: true,
    });
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        reason:
          error.code === 'ENOENT'
            ? `no '${command}' on this system to open a browser with`
            : `${command} failed: ${error.message}`,
      }),
    );
    child.once('spawn', () => {
      child.unref();
      resolve({ ok: true });
    });
  });
}
