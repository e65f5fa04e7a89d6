// Real git repositories for worktree tests, isolated from the developer's git configuration.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=pm test', '-c', 'user.email=pm@example.invalid', ...args],
    { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** A repository at `dir` with one commit holding `files` (e.g. a .pm.toml). */
export function gitRepo(dir: string, files: Readonly<Record<string, string>> = {}): string {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  writeFileSync(join(dir, 'README'), 'test repository\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

/** `git worktree add <path> -b <branch>` from `repo`; returns the worktree's path. */
export function addWorktree(repo: string, path: string, branch: string): string {
  git(repo, 'worktree', 'add', '-q', '-b', branch, path);
  return path;
}
