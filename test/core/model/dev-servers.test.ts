import { describe, expect, it } from 'vitest';
import { lastCommand, type Scripts, withPortFlag } from '../../../src/core/model/dev-servers.js';

const noScripts: Scripts = { get: () => undefined };
const scripts = (map: Record<string, string>): Scripts => ({ get: (name: string) => map[name] });
const plan = (argv: string[], s = noScripts) => withPortFlag(argv, 5173, s).argv;

describe('port flag for dev servers that ignore PORT', () => {
  it.each([
    [['vite'], ['vite', '--port', '5173']],
    [
      ['vite', 'dev', '--host'],
      ['vite', 'dev', '--host', '--port', '5173'],
    ],
    [
      ['npx', 'vite'],
      ['npx', 'vite', '--port', '5173'],
    ],
    [
      ['npx', '--yes', 'vite'],
      ['npx', '--yes', 'vite', '--port', '5173'],
    ],
    [['node_modules/.bin/vite'], ['node_modules/.bin/vite', '--port', '5173']],
    [
      ['pnpm', 'exec', 'astro', 'dev'],
      ['pnpm', 'exec', 'astro', 'dev', '--port', '5173'],
    ],
    [
      ['ng', 'serve'],
      ['ng', 'serve', '--port', '5173'],
    ],
    [
      ['webpack', 'serve'],
      ['webpack', 'serve', '--port', '5173'],
    ],
    [['webpack-dev-server'], ['webpack-dev-server', '--port', '5173']],
  ])('appends to %j', (argv, expected) => {
    expect(plan(argv)).toEqual(expected);
  });

  it.each([
    [['vite', 'build']],
    [['astro', 'build']],
    [['ng', 'test']],
    [['node', 'server.js']],
    [['next', 'dev']],
    [['vite', '--port', '4000']],
    [['vite', '--port=4000']],
    [['vite', '-p', '4000']],
  ])('leaves %j alone', (argv) => {
    expect(plan(argv)).toEqual(argv);
  });

  it('appends after -- for npm and bun, directly for pnpm and yarn', () => {
    const dev = scripts({ dev: 'vite', start: 'vite --host' });
    expect(plan(['npm', 'run', 'dev'], dev)).toEqual(['npm', 'run', 'dev', '--', '--port', '5173']);
    expect(plan(['npm', 'start'], dev)).toEqual(['npm', 'start', '--', '--port', '5173']);
    expect(plan(['bun', 'run', 'dev'], dev)).toEqual(['bun', 'run', 'dev', '--', '--port', '5173']);
    expect(plan(['pnpm', 'dev'], dev)).toEqual(['pnpm', 'dev', '--port', '5173']);
    expect(plan(['pnpm', 'run', 'dev'], dev)).toEqual(['pnpm', 'run', 'dev', '--port', '5173']);
    expect(plan(['yarn', 'dev'], dev)).toEqual(['yarn', 'dev', '--port', '5173']);
    // The user's own -- already separates: add only the flag.
    expect(plan(['npm', 'run', 'dev', '--', '--host'], dev)).toEqual([
      'npm',
      'run',
      'dev',
      '--',
      '--host',
      '--port',
      '5173',
    ]);
  });

  it('recognises the server at the end of a compound script, and respects a port in it', () => {
    const s = scripts({
      dev: 'NODE_ENV=development tsc -b && cross-env X=1 vite',
      fixed: 'vite --port 4000',
      both: 'vite & node api.js',
      api: 'node server.js',
    });
    expect(plan(['npm', 'run', 'dev'], s)).toEqual(['npm', 'run', 'dev', '--', '--port', '5173']);
    expect(plan(['npm', 'run', 'fixed'], s)).toEqual(['npm', 'run', 'fixed']);
    expect(plan(['npm', 'run', 'both'], s)).toEqual(['npm', 'run', 'both']);
    expect(plan(['npm', 'run', 'api'], s)).toEqual(['npm', 'run', 'api']);
    expect(plan(['npm', 'run', 'missing'], s)).toEqual(['npm', 'run', 'missing']);
  });

  it('splits a script into its last command', () => {
    expect(lastCommand('a && b; FOO="x y" vite "my dir"')).toEqual(['vite', 'my dir']);
  });
});

describe('servers that ignore PORT, each with its own form (issue 30, item 1)', () => {
  it.each([
    [
      ['react-router', 'dev'],
      ['react-router', 'dev', '--port', '5173'],
    ],
    [
      ['npx', 'react-router', 'dev'],
      ['npx', 'react-router', 'dev', '--port', '5173'],
    ],
    [
      ['json-server', 'db.json'],
      ['json-server', 'db.json', '--port', '5173'],
    ],
    [
      ['json-server', '--watch', 'db.json'],
      ['json-server', '--watch', 'db.json', '--port', '5173'],
    ],
    [
      ['python3', '-m', 'http.server'],
      ['python3', '-m', 'http.server', '5173'],
    ],
    [
      ['python', '-m', 'http.server', '--bind', '127.0.0.1', '-d', 'public'],
      ['python', '-m', 'http.server', '--bind', '127.0.0.1', '-d', 'public', '5173'],
    ],
    [
      ['python', 'manage.py', 'runserver'],
      ['python', 'manage.py', 'runserver', '5173'],
    ],
    [
      ['./manage.py', 'runserver'],
      ['./manage.py', 'runserver', '5173'],
    ],
    [
      ['uv', 'run', 'python', 'manage.py', 'runserver'],
      ['uv', 'run', 'python', 'manage.py', 'runserver', '5173'],
    ],
    [
      ['django-admin', 'runserver'],
      ['django-admin', 'runserver', '5173'],
    ],
    [
      ['flask', 'run'],
      ['flask', 'run', '--port', '5173'],
    ],
    [
      ['flask', '--app', 'hello', 'run'],
      ['flask', '--app', 'hello', 'run', '--port', '5173'],
    ],
    [
      ['python', '-m', 'flask', 'run'],
      ['python', '-m', 'flask', 'run', '--port', '5173'],
    ],
    [
      ['poetry', 'run', 'flask', 'run'],
      ['poetry', 'run', 'flask', 'run', '--port', '5173'],
    ],
    [
      ['hugo', 'server'],
      ['hugo', 'server', '--port', '5173'],
    ],
    [
      ['hugo', 'serve', '-D'],
      ['hugo', 'serve', '-D', '--port', '5173'],
    ],
    [
      ['jekyll', 'serve'],
      ['jekyll', 'serve', '--port', '5173'],
    ],
    [
      ['bundle', 'exec', 'jekyll', 'serve'],
      ['bundle', 'exec', 'jekyll', 'serve', '--port', '5173'],
    ],
  ])('%j gets its port', (argv, expected) => {
    expect(plan(argv)).toEqual(expected);
  });

  it.each([
    [['python3', '-m', 'http.server', '8000']],
    [['python3', '-m', 'http.server', '9000', '-p', 'HTTP/1.1']],
    [['python', 'manage.py', 'runserver', '0.0.0.0:8000']],
    [['python', 'manage.py', 'migrate']],
    [['python', 'app.py']],
    [['flask', 'run', '-p', '4000']],
    [['flask', 'routes']],
    [['hugo']],
    [['hugo', 'server', '-p', '1313']],
    [['jekyll', 'serve', '-P', '4001']],
    [['jekyll', 'build']],
    [['react-router', 'build']],
  ])('leaves %j alone', (argv) => {
    expect(plan(argv)).toEqual(argv);
  });

  it("reads jekyll's -p as its plugins option, not a port (issue 30, item 1)", () => {
    expect(plan(['jekyll', 'serve', '-p', '_plugins'])).toEqual([
      'jekyll',
      'serve',
      '-p',
      '_plugins',
      '--port',
      '5173',
    ]);
  });
});

describe("a runner's own -p is not a port (issue 30, item 2)", () => {
  it.each([
    [
      ['npx', '-p', 'vite', 'vite'],
      ['npx', '-p', 'vite', 'vite', '--port', '5173'],
    ],
    [
      ['npx', '--package', 'vite', 'vite', 'dev'],
      ['npx', '--package', 'vite', 'vite', 'dev', '--port', '5173'],
    ],
    [
      ['npx', '-p', 'vite', 'vite', '-p', '4000'],
      ['npx', '-p', 'vite', 'vite', '-p', '4000'],
    ],
  ])('%j', (argv, expected) => {
    expect(plan(argv)).toEqual(expected);
  });
});

describe('monorepo start-ups from the root (issue 30, item 3)', () => {
  // The root's scripts, and two workspaces: packages/web (package "web") and packages/api.
  const tree: Record<string, Record<string, string>> = {
    '.': {
      dev: 'npm run dev -w web',
      'dev:pnpm': 'pnpm --filter web dev',
      api: 'npm run dev -w api',
    },
    'packages/web': { dev: 'vite' },
    'packages/api': { dev: 'node server.js' },
  };
  const names: Record<string, string> = { web: 'packages/web', api: 'packages/api' };
  const at = (dir: string): Scripts => ({
    get: (name) => tree[dir]?.[name],
    workspace: (selector) => {
      const target =
        'dir' in selector
          ? selector.dir.replace(/^\.\//, '')
          : (names[selector.name] ?? selector.name);
      return target !== undefined && tree[target] ? at(target) : undefined;
    },
  });
  const root = at('.');

  it.each([
    [
      ['npm', 'run', 'dev', '-w', 'web'],
      ['npm', 'run', 'dev', '-w', 'web', '--', '--port', '5173'],
    ],
    [
      ['npm', 'run', 'dev', '--workspace=web'],
      ['npm', 'run', 'dev', '--workspace=web', '--', '--port', '5173'],
    ],
    [
      ['npm', 'run', 'dev', '--workspace', 'packages/web'],
      ['npm', 'run', 'dev', '--workspace', 'packages/web', '--', '--port', '5173'],
    ],
    [
      ['npm', '--prefix', 'packages/web', 'run', 'dev'],
      ['npm', '--prefix', 'packages/web', 'run', 'dev', '--', '--port', '5173'],
    ],
    [
      ['pnpm', '-C', 'packages/web', 'dev'],
      ['pnpm', '-C', 'packages/web', 'dev', '--port', '5173'],
    ],
    [
      ['pnpm', '--dir', 'packages/web', 'run', 'dev'],
      ['pnpm', '--dir', 'packages/web', 'run', 'dev', '--port', '5173'],
    ],
    [
      ['pnpm', '--filter', 'web', 'dev'],
      ['pnpm', '--filter', 'web', 'dev', '--port', '5173'],
    ],
    [
      ['pnpm', '-F', 'web', 'run', 'dev'],
      ['pnpm', '-F', 'web', 'run', 'dev', '--port', '5173'],
    ],
    [
      ['yarn', '--cwd', 'packages/web', 'dev'],
      ['yarn', '--cwd', 'packages/web', 'dev', '--port', '5173'],
    ],
    [
      ['yarn', 'workspace', 'web', 'dev'],
      ['yarn', 'workspace', 'web', 'dev', '--port', '5173'],
    ],
    // A root script that calls one of these: each npm on the way needs its own `--`.
    [
      ['npm', 'run', 'dev'],
      ['npm', 'run', 'dev', '--', '--', '--port', '5173'],
    ],
    [
      ['pnpm', 'dev:pnpm'],
      ['pnpm', 'dev:pnpm', '--port', '5173'],
    ],
  ])('%j', (argv, expected) => {
    expect(plan(argv, root)).toEqual(expected);
  });

  it.each([
    [['npm', 'run', 'dev', '-w', 'api']],
    [['npm', 'run', 'api']],
    [['npm', 'run', 'dev', '-w', 'missing']],
    [['pnpm', '-C', 'packages/nowhere', 'dev']],
  ])('leaves %j alone (not a server that ignores PORT, or no such workspace)', (argv) => {
    expect(plan(argv, root)).toEqual(argv);
  });
});

describe('a port the command or its script sets itself (issue 30, item 4)', () => {
  const pinned = (argv: string[], s = noScripts) => withPortFlag(argv, 5173, s).pinned;
  it.each([
    [['next', 'dev', '-p', '4000'], noScripts, { port: 4000, by: 'command' }],
    [['vite', '--port=4001'], noScripts, { port: 4001, by: 'command' }],
    [['npm', 'run', 'dev'], scripts({ dev: 'next dev -p 4000' }), { port: 4000, by: 'script' }],
    [
      ['pnpm', 'storybook'],
      scripts({ storybook: 'storybook dev -p 6006' }),
      { port: 6006, by: 'script' },
    ],
    [
      ['npm', 'run', 'dev', '--', '--port', '4002'],
      scripts({ dev: 'next dev' }),
      { port: 4002, by: 'command' },
    ],
    [['npx', '-p', 'vite', 'vite'], noScripts, undefined],
    [['npm', 'run', 'dev'], scripts({ dev: 'next dev' }), undefined],
    [['node', 'server.js'], noScripts, undefined],
  ])('%j', (argv, s, expected) => {
    expect(pinned(argv as string[], s as Scripts)).toEqual(expected);
  });
});
