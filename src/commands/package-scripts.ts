// The package.json scripts `pm run` reads to recognise a dev server behind `npm run dev`, and
// those of a monorepo's workspaces (`npm run dev -w web`, `pnpm --filter web dev`), read
// only when a command names one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Scripts, WorkspaceSelector } from '../core/model/dev-servers.js';

interface PackageJson {
  readonly name?: unknown;
  readonly scripts?: unknown;
  readonly workspaces?: unknown;
}

function readPackage(dir: string): PackageJson | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as PackageJson) : undefined;
  } catch {
    // No package.json (or not JSON): then no command runs a script pm could recognise.
    return undefined;
  }
}

/** The `scripts` of package.json in `dir`, read once when first asked. */
export function packageScripts(dir: string): Scripts {
  let scripts: Record<string, unknown> | undefined;
  let read = false;
  return {
    get(name) {
      if (!read) {
        read = true;
        const parsed = readPackage(dir)?.scripts;
        if (parsed && typeof parsed === 'object') scripts = parsed as Record<string, unknown>;
      }
      const value = scripts?.[name];
      return typeof value === 'string' ? value : undefined;
    },
    workspace: (selector) => {
      const found = workspaceDir(dir, selector);
      return found === undefined ? undefined : packageScripts(found);
    },
  };
}

function workspaceDir(from: string, selector: WorkspaceSelector): string | undefined {
  if ('dir' in selector) {
    const dir = resolve(from, selector.dir);
    return existsSync(join(dir, 'package.json')) ? dir : undefined;
  }
  // npm's -w takes a directory as well as a name; pnpm's --filter ./path too.
  const asPath = resolve(from, selector.name);
  if (/[\\/]/.test(selector.name) && existsSync(join(asPath, 'package.json'))) return asPath;
  const root = workspaceRoot(from);
  if (root === undefined) return undefined;
  return root.members.find((dir) => readPackage(dir)?.name === selector.name);
}

/** The nearest directory at or above `from` that declares workspaces, with their directories. */
function workspaceRoot(from: string): { dir: string; members: string[] } | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const patterns = [...npmWorkspaces(dir), ...pnpmWorkspaces(dir)];
    if (patterns.length > 0) return { dir, members: patterns.flatMap((p) => expand(dir, p)) };
    if (dirname(dir) === dir) return undefined;
  }
}

function npmWorkspaces(dir: string): string[] {
  const declared = readPackage(dir)?.workspaces;
  const list = Array.isArray(declared)
    ? declared
    : declared !== null && typeof declared === 'object'
      ? (declared as { packages?: unknown }).packages
      : undefined;
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
}

/** `packages:` of pnpm-workspace.yaml: its `- 'packages/*'` lines (no YAML parser needed). */
function pnpmWorkspaces(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8');
  } catch {
    return [];
  }
  const patterns: string[] = [];
  let inPackages = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\S/.test(line)) inPackages = /^packages\s*:/.test(line);
    const item = inPackages ? /^\s+-\s*['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line)?.[1] : undefined;
    if (item !== undefined && !item.startsWith('!')) patterns.push(item);
  }
  return patterns;
}

/** `packages/*` and `apps/**` one level deep, or an exact directory; nothing outside the root. */
function expand(root: string, pattern: string): string[] {
  if (isAbsolute(pattern) || pattern.split('/').includes('..')) return [];
  const wild = /^(.*?)\/\*\*?$/.exec(pattern);
  if (!wild) return [join(root, pattern)];
  const parent = join(root, wild[1] ?? '');
  try {
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
      .map((entry) => join(parent, entry.name));
  } catch {
    return [];
  }
}
