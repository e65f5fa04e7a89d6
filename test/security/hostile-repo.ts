// Hostile repositories for the security tests: directories a test builds in a temp dir with
// the files an attacker would commit, and the registry pm uses beside them (never the user's).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

export interface HostileRepo {
  readonly dir: string;
  readonly registry: string;
  /** The built pm, run inside the repository with a private HOME and registry. */
  pm(
    args: readonly string[],
    env?: NodeJS.ProcessEnv,
    cwd?: string,
    timeoutMs?: number,
  ): ReturnType<typeof runCli>;
}

/** A repository at `<root>/repo` holding `files` (path -> content), with a fresh registry. */
export function hostileRepo(root: string, files: Readonly<Record<string, string>>): HostileRepo {
  const dir = join(root, 'repo');
  const home = join(root, 'home');
  mkdirSync(dir, { recursive: true });
  mkdirSync(home, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text, { mode: 0o755 });
  }
  const registry = join(home, 'registry.toml');
  return {
    dir,
    registry,
    pm: (args, env = {}, cwd = dir, timeoutMs = 25_000) =>
      runCli(
        ['--registry', registry, ...args],
        {
          PATH: process.env.PATH,
          HOME: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          ...(process.env.PM_CACHE_DIR ? { PM_CACHE_DIR: process.env.PM_CACHE_DIR } : {}),
          ...env,
        },
        timeoutMs,
        cwd,
      ),
  };
}
