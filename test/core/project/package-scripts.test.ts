// The package.json reader behind pm run's dev-server detection, on real directories: a
// workspace found by directory, by package name through package.json `workspaces` or
// pnpm-workspace.yaml, and files that are not regular refused instead of waited on.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withPortFlag } from '../../../src/core/model/dev-servers.js';
import { packageScripts, pnpmWorkspaces } from '../../../src/core/project/package-scripts.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function monorepo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'pm-mono-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(
      join(root, path),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }
  return root;
}

describe('workspace package.json files', () => {
  it('finds a workspace by name through package.json workspaces, and by directory', () => {
    const root = monorepo({
      'package.json': { workspaces: ['packages/*'], scripts: { dev: 'npm run dev -w @shop/web' } },
      'packages/web/package.json': { name: '@shop/web', scripts: { dev: 'vite' } },
      'packages/api/package.json': { name: '@shop/api', scripts: { dev: 'node server.js' } },
    });
    const scripts = packageScripts(root);
    expect(withPortFlag(['npm', 'run', 'dev', '-w', '@shop/web'], 5173, scripts).argv).toEqual([
      'npm',
      'run',
      'dev',
      '-w',
      '@shop/web',
      '--',
      '--port',
      '5173',
    ]);
    // npm strips one `--`; the root script's own npm needs the second.
    expect(withPortFlag(['npm', 'run', 'dev'], 5173, scripts).argv.slice(3)).toEqual([
      '--',
      '--',
      '--port',
      '5173',
    ]);
    expect(
      withPortFlag(['npm', '--prefix', 'packages/web', 'run', 'dev'], 5173, scripts).argv,
    ).toContain('5173');
    expect(
      withPortFlag(['npm', 'run', 'dev', '-w', '@shop/api'], 5173, scripts).argv,
    ).not.toContain('5173');
  });

  it("reads pnpm-workspace.yaml's packages list", () => {
    const root = monorepo({
      'package.json': { scripts: {} },
      'pnpm-workspace.yaml':
        'packages:\n  - \'apps/*\'\n  - "libs/ui" # shared\ncatalog:\n  react: ^19\n',
      'apps/web/package.json': { name: 'web', scripts: { dev: 'astro dev' } },
    });
    expect(pnpmWorkspaces(root)).toEqual(['apps/*', 'libs/ui']);
    expect(
      withPortFlag(['pnpm', '--filter', 'web', 'dev'], 4321, packageScripts(root)).argv,
    ).toEqual(['pnpm', '--filter', 'web', 'dev', '--port', '4321']);
  });

  it('refuses a package.json that is a FIFO or a link to /dev/zero, at once', () => {
    const fifo = monorepo({});
    execFileSync('mkfifo', [join(fifo, 'package.json')]);
    expect(packageScripts(fifo).get('dev')).toBeUndefined();
    const zero = monorepo({});
    symlinkSync('/dev/zero', join(zero, 'package.json'));
    expect(packageScripts(zero).get('dev')).toBeUndefined();
  });
});
