// The package.json `scripts` pm reads to recognise a dev server behind `npm run dev`, and the
// workspace packages a monorepo's root command names (`npm run dev -w web`, `pnpm --filter
// web dev`, `yarn --cwd packages/web dev`). Every file goes through the regular-file reader:
// a package.json that is a FIFO or a link to /dev/zero is refused, never waited on.
import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Scripts, WorkspaceSelector } from '../model/dev-servers.js';
import { readRegularFile } from './regular-file.js';

interface PackageJson {
  readonly name?: unknown;
  readonly scripts?: unknown;
  readonly workspaces?: unknown;
}

/** Workspace directories looked at when a name is asked for, at most. */
const MAX_WORKSPACES = 500;

function readPackage(dir: string): PackageJson | undefined {
  const read = readRegularFile(join(dir, 'package.json'));
  if (!read.ok) return undefined;
  try {
    const parsed: unknown = JSON.parse(read.text);
    return parsed && typeof parsed === 'object' ? (parsed as PackageJson) : undefined;
  } catch {
    // Not JSON: then no command runs a script pm could recognise.
    return undefined;
  }
}

/** The `scripts` of package.json in `dir`, read once when first asked. */
export function packageScripts(dir: string): Scripts {
  let manifest: PackageJson | undefined;
  let read = false;
  const load = () => {
    if (!read) {
      read = true;
      manifest = readPackage(dir);
    }
    return manifest;
  };
  return {
    get(name) {
      const scripts = load()?.scripts;
      const value =
        scripts && typeof scripts === 'object'
          ? (scripts as Record<string, unknown>)[name]
          : undefined;
      return typeof value === 'string' ? value : undefined;
    },
    workspace(selector: WorkspaceSelector) {
      if ('dir' in selector) return packageScripts(resolve(dir, selector.dir));
      for (const candidate of workspaceDirectories(dir, load())) {
        const pkg = readPackage(candidate);
        if (pkg?.name === selector.name || basename(candidate) === selector.name) {
          return packageScripts(candidate);
        }
      }
      // npm's -w also takes a path.
      const asPath = resolve(dir, selector.name);
      return readPackage(asPath) ? packageScripts(asPath) : undefined;
    },
  };
}

/**
 * The directories a monorepo declares: package.json `workspaces` (an array, or
 * `{ packages }`) and pnpm-workspace.yaml's `packages:` list. A pattern is a directory or
 * `dir/*`; deeper globs (`dir/**`) are read one level deep.
 */
export function workspaceDirectories(root: string, manifest: PackageJson | undefined): string[] {
  const patterns = [...declaredWorkspaces(manifest), ...pnpmWorkspaces(root)];
  const dirs: string[] = [];
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    const star = pattern.search(/\*/);
    if (star < 0) {
      dirs.push(resolve(root, pattern));
      continue;
    }
    const parent = resolve(root, pattern.slice(0, star));
    try {
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory() && entry.name !== 'node_modules')
          dirs.push(join(parent, entry.name));
        if (dirs.length >= MAX_WORKSPACES) return dirs;
      }
    } catch {
      // A declared directory that does not exist names no workspace.
    }
  }
  return dirs;
}

function declaredWorkspaces(manifest: PackageJson | undefined): string[] {
  const field = manifest?.workspaces;
  const list = Array.isArray(field)
    ? field
    : field && typeof field === 'object'
      ? (field as { packages?: unknown }).packages
      : undefined;
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
}

/** The `packages:` entries of pnpm-workspace.yaml: its block list of quoted or plain strings. */
export function pnpmWorkspaces(root: string): string[] {
  const read = readRegularFile(join(root, 'pnpm-workspace.yaml'));
  if (!read.ok) return [];
  const entries: string[] = [];
  let inPackages = false;
  for (const line of read.text.split(/\r?\n/)) {
    if (/^packages:\s*(#.*)?$/.test(line)) {
      inPackages = true;
      continue;
    }
    if (!inPackages) continue;
    if (/^\S/.test(line)) break;
    const item = /^\s+-\s+(['"]?)([^'"#]+?)\1\s*(#.*)?$/.exec(line);
    if (item?.[2]) entries.push(item[2]);
  }
  return entries;
}
