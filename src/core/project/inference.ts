// Which project a directory belongs to (README, "Projects, manifests and worktrees"): the nearest manifest first, then the
// recorded paths (deepest wins). A linked git worktree is a project of its own, named after
// the project and the worktree's directory, so parallel branches never share ports.
// Git's own files are read instead of spawning git: inference runs on every command that
// leaves <project> out, and a git process costs more than its whole budget (docs/benchmarks.md).
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isPmError, PmError, type Remedy } from '../errors.js';
import { toValidName } from '../model/names.js';
import { isInside, projectAt, type Registry, samePath } from '../model/registry.js';
import { LOCAL_MANIFEST_FILE, loadManifest, type Manifest } from './manifest.js';
import { readRegularFile } from './regular-file.js';
import { defaultSearchOptions, findUpward, type SearchOptions } from './repo-search.js';

export interface GitCheckout {
  /** The top directory of this checkout (where its `.git` is). */
  readonly root: string;
  /** The main worktree's directory (a bare repository's own directory when there is none). */
  readonly mainRoot: string;
  /** True inside a worktree made by `git worktree add`. */
  readonly linked: boolean;
}

export interface ProjectContext {
  /** The registry entry. */
  readonly project: string;
  /** The directory recorded as the project's path. */
  readonly path: string;
  /** For a linked worktree: the project it is a worktree of. */
  readonly worktreeOf?: string;
  /** The manifest that declared it, when one did. */
  readonly manifest?: Manifest;
}

/** The git checkout holding `from`, found by walking up to the nearest `.git` pm may use. */
export function findGitCheckout(
  from: string,
  options: SearchOptions = defaultSearchOptions(),
): GitCheckout | undefined {
  const dotGit = findUpward(from, '.git', options);
  return dotGit === undefined ? undefined : checkoutAt(dirname(dotGit), dotGit);
}

/**
 * `.git` is a directory in a main worktree. In a linked one it is a file `gitdir: <admin dir>`,
 * and the admin dir's `commondir` leads to the shared repository; a submodule's `.git` file
 * has no `commondir`, so it counts as a checkout of its own.
 */
function checkoutAt(root: string, dotGit: string): GitCheckout {
  const plain = { root, mainRoot: root, linked: false };
  const file = readRegularFile(dotGit, 64 * 1024);
  if (!file.ok) return plain; // a directory (main worktree), or nothing pm can use
  const gitdir = /^gitdir:\s*(.+?)\s*$/m.exec(file.text)?.[1];
  if (gitdir === undefined) return plain;
  const adminDir = resolve(root, gitdir);
  const common = readRegularFile(join(adminDir, 'commondir'), 64 * 1024);
  if (!common.ok) return plain;
  const commonDir = resolve(adminDir, common.text.trim());
  // A normal repository keeps its data in <main>/.git; a bare one is the directory itself.
  const mainRoot = basename(commonDir) === '.git' ? dirname(commonDir) : commonDir;
  return { root, mainRoot, linked: resolve(mainRoot) !== resolve(root) };
}

/** The project name a manifest without `project` gets: its main worktree's directory name. */
export function defaultProjectName(dir: string, checkout: GitCheckout | undefined): string {
  const named = checkout ? checkout.mainRoot : dir;
  return toValidName(basename(named).replace(/\.git$/, ''), 'project');
}

/**
 * The registry entry of a linked worktree of `base`, checked out at `path` (its directory named
 * `worktreeDir`). The rule, documented in README:
 * 1. an entry already recorded with this path and `worktree_of = base` keeps its name;
 * 2. else `<base>-<dir>`, where <dir> is the worktree's directory name made a valid name, minus
 *    a leading `<base>-` or `<base>_` (so ../shop-feat gives shop-feat, not shop-shop-feat);
 * 3. if that name belongs to another path, `-` and 4 hex digits of a hash of the path are
 *    added (the same path always gets the same suffix), then `-2`, `-3`... if still taken.
 */
export function worktreeProjectName(
  registry: Registry,
  base: string,
  worktreeDir: string,
  path: string,
): string {
  for (const [name, entry] of registry.projects) {
    if (entry.worktreeOf === base && entry.path !== undefined && samePath(entry.path, path))
      return name;
  }
  const dir = toValidName(worktreeDir, 'worktree');
  const stripped = dir.replace(new RegExp(`^${escapeRegExp(base)}[-_](?=.)`), '');
  const candidate = clip(`${base}-${stripped}`, 64);
  const free = (name: string) => {
    const entry = registry.projects.get(name);
    return entry === undefined || (entry.path !== undefined && samePath(entry.path, path));
  };
  if (free(candidate)) return candidate;
  const hashed = `${clip(candidate, 59)}-${shortHash(path)}`;
  if (free(hashed)) return hashed;
  for (let n = 2; ; n++) {
    const numbered = `${clip(candidate, 64 - 6 - String(n).length)}-${shortHash(path)}-${n}`;
    if (free(numbered)) return numbered;
  }
}

/**
 * The project `cwd` belongs to, or undefined. Reads the manifest (which may throw
 * MANIFEST_INVALID) and git's files; never writes anything.
 */
export function inferProject(
  registry: Registry,
  cwd: string,
  options: SearchOptions = defaultSearchOptions(),
): ProjectContext | undefined {
  const manifest = loadManifest(cwd, options);
  const checkout = findGitCheckout(cwd, options);
  if (manifest) {
    const base = manifest.project ?? defaultProjectName(manifest.dir, checkout);
    if (checkout?.linked && isInside(manifest.dir, checkout.root)) {
      return {
        project: worktreeProjectName(registry, base, basename(checkout.root), manifest.dir),
        path: manifest.dir,
        worktreeOf: base,
        manifest,
      };
    }
    refuseRecordedElsewhere(registry, base, manifest);
    return { project: base, path: manifest.dir, manifest };
  }
  const recorded = projectAt(registry, cwd);
  if (recorded !== undefined) {
    const entry = registry.projects.get(recorded)!;
    return {
      project: recorded,
      path: entry.path!,
      ...(entry.worktreeOf !== undefined ? { worktreeOf: entry.worktreeOf } : {}),
    };
  }
  if (checkout?.linked) return linkedToRecorded(registry, cwd, checkout);
  return undefined;
}

/**
 * No manifest, but the main worktree's counterpart of `cwd` is a recorded project: the linked
 * worktree is that project's worktree, recorded at the same place inside it.
 */
function linkedToRecorded(
  registry: Registry,
  cwd: string,
  checkout: GitCheckout,
): ProjectContext | undefined {
  const base = projectAt(registry, join(checkout.mainRoot, relative(checkout.root, cwd)));
  if (base === undefined) return undefined;
  const basePath = registry.projects.get(base)!.path!;
  const inner = relative(checkout.mainRoot, basePath);
  if (inner.startsWith('..') || isAbsolute(inner)) return undefined;
  const path = join(checkout.root, inner);
  return {
    project: worktreeProjectName(registry, base, basename(checkout.root), path),
    path,
    worktreeOf: base,
  };
}

function realOrSame(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * A manifest naming a project recorded at another directory that still exists is someone
 * else's checkout claiming it (a clone saying `project = "bank"`): following it would move
 * bank's path there, and `pm free --all` or `pm kill` in the clone would act on bank.
 */
function refuseRecordedElsewhere(registry: Registry, project: string, manifest: Manifest): void {
  const recorded = registry.projects.get(project)?.path;
  if (recorded === undefined || samePath(realOrSame(recorded), realOrSame(manifest.dir))) return;
  if (!existsSync(recorded)) return; // a moved checkout: the manifest's directory takes over
  throw new PmError(
    'PROJECT_ELSEWHERE',
    `${manifest.file} declares project '${project}', which is recorded at ${recorded}, not at ${manifest.dir}; pm changed nothing`,
    `if this is another checkout, give it its own name (project = "..." in ${LOCAL_MANIFEST_FILE}); if the project moved here, free it first (pm free ${project} --all) or remove ${recorded}`,
  );
}

/** inferProject, or an error that says how to make the directory a project. */
export function requireProject(
  registry: Registry,
  cwd: string,
  options?: SearchOptions,
): ProjectContext {
  const found = inferProject(registry, cwd, options);
  if (found) return found;
  throw noProjectError(cwd);
}

/** A command left <project> out where none can be inferred: say how to declare one. */
export function noProjectError(cwd: string): PmError {
  return new PmError(
    'NO_PROJECT',
    `missing project: no project's recorded path contains ${cwd}, and there is no .pm.toml in it or above`,
    [{ kind: 'name-project' }, { kind: 'declare-manifest' }],
  );
}

function clip(name: string, length: number): string {
  return name.slice(0, length).replace(/[-_]+$/, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** FNV-1a: stable across runs and platforms, no crypto import on the startup path. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0').slice(0, 4);
}

/**
 * The project the working directory belongs to (manifest, worktree, recorded path), so a
 * caller need not repeat its name. Without one, the error carries `remedies`: each front end
 * names its own way to say the project.
 */
export async function projectHere(
  store: { read(): Promise<{ readonly registry: Registry }> },
  cwd: string,
  remedies: readonly Remedy[],
  options?: SearchOptions,
): Promise<ProjectContext> {
  try {
    return requireProject((await store.read()).registry, cwd, options);
  } catch (error) {
    if (!isPmError(error) || error.code !== 'NO_PROJECT') throw error;
    throw new PmError(error.code, error.message, [...remedies], { cause: error });
  }
}
