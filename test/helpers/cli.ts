import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the built CLI with exactly `env`; a hung process fails the test instead of the run. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 25_000,
  cwd?: string,
): Promise<RunResult> {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run 'npm run build' (npm test builds first)`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pm ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Runs the built CLI like a user would, with a clean environment apart from `env`. */
export function runPm(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return runCli(args, { PATH: process.env.PATH, HOME: process.env.HOME, ...env });
}

/** The same, run from another working directory. */
export function runPmIn(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<RunResult> {
  return runCli(args, { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, 25_000, cwd);
}
