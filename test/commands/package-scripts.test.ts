// Workspaces found on disk as npm, yarn and pnpm declare them: real files in a temp directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageScripts } from '../../src/commands/package-scripts.js';
import { withPortFlag } from '../../src/core/model/dev-servers.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-workspaces-');

function monorepo(layout: 'npm' | 'pnpm'): string {
  const root = tempDir();
  const write = (path: string, value: unknown) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof value === 'string' ? value : JSON.stringify(value));
  };
  write('package.json', {
    name: 'root',
    scripts: { dev: 'npm run dev -w web' },
    ...(layout === 'npm' ? { workspaces: ['packages/*'] } : {}),
  });
  if (layout === 'pnpm')
    write('pnpm-workspace.yaml', "packages:\n  - 'packages/*'\n  - '!**/test/**'\n");
  write('packages/web-app/package.json', { name: 'web', scripts: { dev: 'vite' } });
  write('packages/api/package.json', { name: 'api', scripts: { dev: 'node server.js' } });
  return root;
}

it.each(['npm', 'pnpm'] as const)('finds a %s workspace by package name or directory', (layout) => {
  const root = monorepo(layout);
  const plan = (argv: string[]) =>
    withPortFlag(argv, 4100, packageScripts(root)).argv.slice(argv.length);
  expect(plan(['npm', 'run', 'dev', '-w', 'web'])).toEqual(['--', '--port', '4100']);
  expect(plan(['pnpm', '--filter', 'web', 'dev'])).toEqual(['--port', '4100']);
  expect(plan(['pnpm', '-C', 'packages/web-app', 'dev'])).toEqual(['--port', '4100']);
  expect(plan(['npm', 'run', 'dev', '-w', 'packages/web-app'])).toEqual(['--', '--port', '4100']);
  expect(plan(['npm', 'run', 'dev'])).toEqual(['--', '--', '--port', '4100']);
  expect(plan(['npm', 'run', 'dev', '-w', 'api'])).toEqual([]);
  expect(plan(['npm', 'run', 'dev', '-w', 'nope'])).toEqual([]);
});
