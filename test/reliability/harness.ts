// Shared plumbing for the reliability tests: run the built CLI, drive worker processes that
// print progress lines, wait for conditions (never for fixed times), hash files.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { CLI, homeEnv } from '../helpers/cli.js';

export { CLI, type RunResult, runCli as runPm } from '../helpers/cli.js';
export const API = fileURLToPath(new URL('../../dist/api/internal.js', import.meta.url));

export function worker(name: string): string {
  return fileURLToPath(new URL(`./workers/${name}`, import.meta.url));
}

/** The tests run the built CLI and the built API, like a user's shell and scripts do. */
export function requireBuild(): void {
  for (const file of [CLI, API]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run 'node scripts/build.mjs' first (npm test builds)`);
    }
  }
}

/**
 * A clean environment: no PM_* or XDG_* from the developer's shell leaks in, and every
 * variable the default registry location comes from (HOME, XDG_CONFIG_HOME, APPDATA, …) is
 * inside the test's own directory, so nothing can touch the real registry on any OS.
 */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...homeEnv(home), NO_COLOR: '1', ...extra };
}

/** Runs `task` over `items` with at most `limit` in flight (2 cores: don't start 40 nodes). */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Temp files a writer leaves when it dies between creating and renaming them. */
export function tempFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => /^registry\.toml\..*\.tmp$/.test(name));
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process that reports progress as lines on stdout. */
export class Worker {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  private partial = '';
  private closed = false;
  private listeners: (() => void)[] = [];

  constructor(script: string, args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [script, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const notify of this.listeners) notify();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': every line the worker printed has been read by then.
      this.child.on('close', (code, signal) => {
        this.closed = true;
        for (const notify of this.listeners) notify();
        resolve({ code, signal });
      });
    });
  }

  get running(): boolean {
    return !this.closed;
  }

  /** Resolves with the first line matching `pattern`, already printed or still to come. */
  waitForLine(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const line = this.lines.find((candidate) => pattern.test(candidate));
        if (line !== undefined) {
          finish();
          resolve(line);
          return true;
        }
        if (!this.running) {
          finish();
          reject(new Error(`worker exited before printing ${pattern}; stderr:\n${this.stderr}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `worker did not print ${pattern} within ${timeoutMs} ms; stderr:\n${this.stderr}`,
          ),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((listener) => listener !== onEvent);
      };
      const onEvent = () => {
        check();
      };
      if (!check()) this.listeners.push(onEvent);
    });
  }

  send(text: string): void {
    this.child.stdin!.write(text);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
