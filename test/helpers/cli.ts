import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRegistryPath } from '../../src/cli/settings.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Every variable pm (or Node's os.homedir) derives the default registry location from,
 * pointed into `home`: HOME and XDG_CONFIG_HOME on Linux and macOS, APPDATA (and
 * USERPROFILE, LOCALAPPDATA) on Windows. With these a spawned pm cannot reach the user's
 * real registry on any OS, even when a test passes no --registry.
 */
export function homeEnv(home: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    APPDATA: join(home, 'AppData', 'Roaming'),
    LOCALAPPDATA: join(home, 'AppData', 'Local'),
    // Windows processes misbehave without these (sockets, temp files); harmless elsewhere.
    ...pick('SystemRoot', 'SYSTEMROOT', 'windir', 'TEMP', 'TMP'),
    // pm's caches (socket owners, Node 20's code cache) go to the run's cache directory
    // (vitest.config.ts), not into `home`, where tests check which files pm left.
    ...pick('PM_CACHE_DIR'),
  };
}

function pick(...names: string[]): NodeJS.ProcessEnv {
  const picked: NodeJS.ProcessEnv = {};
  for (const name of names) if (process.env[name] !== undefined) picked[name] = process.env[name];
  return picked;
}

/** Where the user running the tests keeps the real registry: no test may resolve to it (nor
 * to the developer's own $PM_REGISTRY). */
export const REAL_DEFAULT_REGISTRY = resolveRegistryPath(undefined, {
  ...process.env,
  PM_REGISTRY: undefined,
});

function registryFlag(args: readonly string[]): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (arg === '--registry') return args[i + 1];
    if (arg.startsWith('--registry=')) return arg.slice('--registry='.length);
  }
  return undefined;
}

/** Throws before spawning when `pm args` with `env` would use the real registry. */
export function assertPrivateRegistry(args: readonly string[], env: NodeJS.ProcessEnv): void {
  const target = resolveRegistryPath(registryFlag(args), env);
  const developers = process.env.PM_REGISTRY && resolveRegistryPath(process.env.PM_REGISTRY);
  if (target === REAL_DEFAULT_REGISTRY || target === developers) {
    throw new Error(
      `refusing to run pm ${args.join(' ')}: it would use the real registry ${target}; pass --registry, PM_REGISTRY or homeEnv(tempDir)`,
    );
  }
}

/**
 * The home of the runs that name no registry (--help, --version, doctor): a path unique to
 * this process and never created, so nothing is left behind unless pm itself writes there.
 */
const privateHome = join(tmpdir(), `pm-test-home-${process.pid}-${randomBytes(4).toString('hex')}`);

/** Runs the built CLI with exactly `env`; a hung process fails the test instead of the run. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 25_000,
  cwd?: string,
): Promise<RunResult> {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run 'npm run build' (npm test builds first)`);
  assertPrivateRegistry(args, env);
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
  return runCli(args, { PATH: process.env.PATH, ...homeEnv(privateHome), ...env });
}

/** The same, run from another working directory. */
export function runPmIn(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<RunResult> {
  return runCli(args, { PATH: process.env.PATH, ...homeEnv(privateHome), ...env }, 25_000, cwd);
}
