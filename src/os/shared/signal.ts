// Signalling one process, per OS (docs/platforms.md, "pm kill"). The decisions (who, when,
// which signal) are src/core/kill.ts; this module only carries them out.
//
// POSIX: process.kill(pid, SIGTERM | SIGKILL | ...). Always a positive pid, so never a process
//   group: pm signals only the processes it identified by pid and start time.
// Windows: there are no signals. The graceful request is `taskkill /PID n` without /F, which
//   asks the process's windows to close (WM_CLOSE); a console program has none, so taskkill
//   fails and pm goes straight on. KILL is TerminateProcess (what libuv's process.kill does).
import type { KillSignal } from '../../core/model/kill.js';
import type { ProcessControl, ProcessInspector, SignalOutcome } from '../../core/ports.js';

export interface ProcessControlOptions {
  readonly platform?: NodeJS.Platform;
}

function posixSignal(pid: number, signal: KillSignal): SignalOutcome {
  try {
    process.kill(pid, `SIG${signal}` as NodeJS.Signals);
    return 'sent';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return 'gone';
    if (code === 'EPERM') return 'denied';
    throw error;
  }
}

async function windowsSignal(pid: number, signal: KillSignal): Promise<SignalOutcome> {
  if (signal !== 'KILL') {
    // Loaded here: every other command starts without node:child_process.
    const { spawnSync } = await import('node:child_process');
    const asked = spawnSync('taskkill', ['/PID', String(pid)], {
      stdio: 'ignore',
      windowsHide: true,
    });
    return asked.status === 0 ? 'sent' : 'unsupported';
  }
  // libuv maps every signal to TerminateProcess on Windows.
  return posixSignal(pid, 'KILL');
}

export function createProcessControl(
  inspector: ProcessInspector,
  options: ProcessControlOptions = {},
): ProcessControl {
  const platform = options.platform ?? process.platform;
  const uid = process.geteuid?.();
  return {
    self: { pid: process.pid, ...(uid !== undefined ? { uid } : {}) },
    startTime: (pid) => inspector.startTime(pid),
    parentPid: (pid) => inspector.parentPid(pid),
    // The uid alone where the inspector can read just that (Linux: one status file), not the
    // whole detail with its fd walk.
    uidOf: async (pid) => (inspector.uid ? inspector.uid(pid) : (await inspector.detail(pid))?.uid),
    async signal(pid, signal) {
      // A pid of 0 or below addresses a process group (or every process): never.
      if (!Number.isInteger(pid) || pid <= 0) throw new Error(`refusing to signal pid ${pid}`);
      return platform === 'win32' ? windowsSignal(pid, signal) : posixSignal(pid, signal);
    },
  };
}
