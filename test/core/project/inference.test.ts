import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  emptyRegistry,
  type Registry,
  withAllocation,
  withProjectPath,
  withProjectPlace,
} from '../../../src/core/model/registry.js';
import {
  defaultProjectName,
  findGitCheckout,
  inferProject,
  requireProject,
  worktreeProjectName,
} from '../../../src/core/project/inference.js';
import { thrown } from '../../helpers/errors.js';
import { addWorktree, git, gitRepo } from '../../helpers/git.js';
import { tempDirPerTest } from '../../helpers/tmp.js';

// realpath: git records resolved paths, and a macOS /var temp dir is really /private/var.
const tempDirRaw = tempDirPerTest('pm-project-');
const tempDir = () => realpathSync(tempDirRaw());

const MANIFEST = '[services.web]\n[services.api]\n';

describe('findGitCheckout', () => {
  it('tells the main worktree from a linked one by reading git files', () => {
    const root = tempDir();
    const repo = gitRepo(join(root, 'shop'));
    const linked = addWorktree(repo, join(root, 'shop-feat'), 'feat');
    mkdirSync(join(linked, 'src'));
    expect(findGitCheckout(join(repo))).toEqual({ root: repo, mainRoot: repo, linked: false });
    expect(findGitCheckout(join(linked, 'src'))).toEqual({
      root: linked,
      mainRoot: repo,
      linked: true,
    });
    expect(findGitCheckout(root)).toBeUndefined();
  });

  it('finds the main worktree of a bare repository', () => {
    const root = tempDir();
    gitRepo(join(root, 'src'));
    git(root, 'clone', '-q', '--bare', join(root, 'src'), join(root, 'shop.git'));
    const linked = addWorktree(join(root, 'shop.git'), join(root, 'wt', 'feat'), 'feat');
    const checkout = findGitCheckout(linked);
    expect(checkout).toEqual({ root: linked, mainRoot: join(root, 'shop.git'), linked: true });
    expect(defaultProjectName(linked, checkout)).toBe('shop');
  });
});

describe('inferProject', () => {
  it('uses the manifest first; its project defaults to the main worktree directory name', () => {
    const root = tempDir();
    const repo = gitRepo(join(root, 'My Shop!'), { '.pm.toml': MANIFEST });
    mkdirSync(join(repo, 'src'));
    const found = inferProject(emptyRegistry(), join(repo, 'src'));
    expect(found).toMatchObject({ project: 'My-Shop', path: repo });
    expect(found?.worktreeOf).toBeUndefined();
    expect(found?.manifest?.services.map((entry) => entry.service)).toEqual(['api', 'web']);
  });

  it('prefers the manifest over a deeper recorded path', () => {
    const root = tempDir();
    const repo = gitRepo(join(root, 'shop'), { '.pm.toml': 'project = "shop"\n' });
    mkdirSync(join(repo, 'apps', 'web'), { recursive: true });
    const registry = withProjectPath(emptyRegistry(), 'web', join(repo, 'apps', 'web'));
    expect(inferProject(registry, join(repo, 'apps', 'web'))?.project).toBe('shop');
  });

  it('falls back to the deepest recorded path without a manifest', () => {
    const root = tempDir();
    mkdirSync(join(root, 'mono', 'apps', 'web'), { recursive: true });
    let registry = withProjectPath(emptyRegistry(), 'mono', join(root, 'mono'));
    registry = withProjectPath(registry, 'web', join(root, 'mono', 'apps', 'web'));
    expect(inferProject(registry, join(root, 'mono', 'apps', 'web'))).toEqual({
      project: 'web',
      path: join(root, 'mono', 'apps', 'web'),
    });
    expect(inferProject(registry, join(root, 'mono', 'apps'))?.project).toBe('mono');
    expect(inferProject(registry, root)).toBeUndefined();
  });

  it('makes a linked worktree its own project, named after the project and its directory', () => {
    const root = tempDir();
    const repo = gitRepo(join(root, 'shop'), { '.pm.toml': MANIFEST });
    const feat = addWorktree(repo, join(root, 'shop-feat'), 'feat');
    const fix = addWorktree(repo, join(root, 'trees', 'Fix 12'), 'fix');
    expect(inferProject(emptyRegistry(), repo)).toMatchObject({ project: 'shop', path: repo });
    expect(inferProject(emptyRegistry(), feat)).toMatchObject({
      project: 'shop-feat',
      path: feat,
      worktreeOf: 'shop',
    });
    expect(inferProject(emptyRegistry(), fix)).toMatchObject({
      project: 'shop-Fix-12',
      worktreeOf: 'shop',
    });
  });

  it('keeps a worktree of a recorded project (no manifest) at the same place inside it', () => {
    const root = tempDir();
    const repo = gitRepo(join(root, 'mono'));
    mkdirSync(join(repo, 'apps', 'web'), { recursive: true });
    const linked = addWorktree(repo, join(root, 'mono-next'), 'next');
    mkdirSync(join(linked, 'apps', 'web', 'src'), { recursive: true });
    const registry = withProjectPath(emptyRegistry(), 'web', join(repo, 'apps', 'web'));
    expect(inferProject(registry, join(linked, 'apps', 'web', 'src'))).toEqual({
      project: 'web-mono-next',
      path: join(linked, 'apps', 'web'),
      worktreeOf: 'web',
    });
    expect(inferProject(registry, linked)).toBeUndefined();
  });

  it('says how to declare a project when nothing matches', () => {
    const error = thrown(() => requireProject(emptyRegistry(), tempDir()));
    expect(error.code).toBe('NO_PROJECT');
    expect(error.exitCode).toBe(2);
    expect(error.remedies).toEqual([{ kind: 'name-project' }, { kind: 'declare-manifest' }]);
  });

  it('reports a broken manifest instead of guessing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.pm.toml'), 'project = \n');
    expect(thrown(() => inferProject(emptyRegistry(), dir)).code).toBe('MANIFEST_INVALID');
  });
});

describe('worktreeProjectName', () => {
  const taken = (name: string, path: string): Registry =>
    withAllocation(withProjectPath(emptyRegistry(), name, path), name, 'web', 3000);

  it('strips a leading "<project>-" from the directory name', () => {
    expect(worktreeProjectName(emptyRegistry(), 'shop', 'shop-feat', '/w/shop-feat')).toBe(
      'shop-feat',
    );
    expect(worktreeProjectName(emptyRegistry(), 'shop', 'feat', '/w/feat')).toBe('shop-feat');
    expect(worktreeProjectName(emptyRegistry(), 'shop', 'shop', '/w/shop')).toBe('shop-shop');
  });

  it('adds a stable hash suffix when another path owns the name', () => {
    const registry = taken('shop-feat', '/elsewhere');
    const name = worktreeProjectName(registry, 'shop', 'feat', '/w/feat');
    expect(name).toMatch(/^shop-feat-[0-9a-f]{4}$/);
    expect(worktreeProjectName(registry, 'shop', 'feat', '/w/feat')).toBe(name);
    expect(worktreeProjectName(registry, 'shop', 'feat', '/v/feat')).not.toBe(name);
  });

  it('keeps the name already recorded for this worktree path', () => {
    const registry = withProjectPlace(emptyRegistry(), 'custom', {
      path: '/w/feat',
      worktreeOf: 'shop',
    });
    expect(worktreeProjectName(registry, 'shop', 'feat', '/w/feat')).toBe('custom');
  });

  it('stays a valid name for long directory names', () => {
    const name = worktreeProjectName(
      taken('a'.repeat(60), '/x'),
      'a'.repeat(60),
      'b'.repeat(80),
      '/w/b',
    );
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]*$/);
  });
});
