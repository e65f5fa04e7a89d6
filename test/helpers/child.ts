// A child node process that prints one JSON line once it is ready (sockets bound), so tests
// wait for readiness instead of sleeping. Shared by the scanner, CLI and end-to-end tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RunningChild<T> {
  readonly pid: number;
  readonly report: T;
  /** Kills the child (SIGKILL) and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
  /** Resolves when the child exits, however it ends: the signal that ended it, or its code. */
  readonly exit: Promise<NodeJS.Signals | number | null>;
}

/** Starts `node -e script` and resolves with the first JSON line it prints on stdout. */
export function startChild<T>(script: string, timeoutMs = 10_000): Promise<RunningChild<T>> {
  return startNode<T>(['-e', script], timeoutMs);
}

/** Starts `node <args>` (e.g. a script file, as a user runs a server) the same way. */
export async function startNode<T>(
  args: readonly string[],
  timeoutMs = 10_000,
  cwd?: string,
  env?: NodeJS.ProcessEnv,
): Promise<RunningChild<T>> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  try {
    const report = await firstLine<T>(child, timeoutMs, () => stderr);
    return { pid: child.pid!, report, stop: () => stopChild(child), exit };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

function firstLine<T>(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => reject(new Error(`child printed nothing within ${timeoutMs} ms; stderr: ${stderr()}`)),
      timeoutMs,
    );
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`child printed a line that is not JSON: ${line}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited early (${code ?? signal}); stderr: ${stderr()}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Whether a pid this test started still exists (signal 0 checks, it delivers nothing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
