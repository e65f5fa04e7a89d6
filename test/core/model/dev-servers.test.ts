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

describe('servers that ignore PORT, each in its own form (issue 30 item 1)', () => {
  it.each([
    [
      ['react-router', 'dev'],
      ['react-router', 'dev', '--port', '5173'],
    ],
    [
      ['npx', 'react-router', 'dev', '--host'],
      ['npx', 'react-router', 'dev', '--host', '--port', '5173'],
    ],
    [
      ['json-server', 'db.json'],
      ['json-server', 'db.json', '--port', '5173'],
    ],
    [
      ['npx', 'json-server', '--watch', 'db.json'],
      ['npx', 'json-server', '--watch', 'db.json', '--port', '5173'],
    ],
    [
      ['python3', '-m', 'http.server'],
      ['python3', '-m', 'http.server', '5173'],
    ],
    [
      ['python', '-m', 'http.server', '--bind', '127.0.0.1'],
      ['python', '-m', 'http.server', '--bind', '127.0.0.1', '5173'],
    ],
    [
      ['python3', 'manage.py', 'runserver'],
      ['python3', 'manage.py', 'runserver', '5173'],
    ],
    [
      ['./manage.py', 'runserver'],
      ['./manage.py', 'runserver', '5173'],
    ],
    [
      ['uv', 'run', 'manage.py', 'runserver'],
      ['uv', 'run', 'manage.py', 'runserver', '5173'],
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
      ['flask', '--app', 'hello', 'run', '--debug'],
      ['flask', '--app', 'hello', 'run', '--debug', '--port', '5173'],
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
  ])('appends to %j', (argv, expected) => {
    expect(plan(argv)).toEqual(expected);
  });

  it.each([
    [['python3', '-m', 'http.server', '8000']],
    [['python3', 'manage.py', 'runserver', '0.0.0.0:8000']],
    [['python3', 'manage.py', 'migrate']],
    [['flask', 'run', '-p', '5000']],
    [['flask', 'routes']],
    [['hugo', 'build']],
    [['hugo']],
    [['jekyll', 'serve', '-P', '4001']],
    [['jekyll', 'build']],
    [['react-router', 'build']],
    [['python3', 'server.py']],
  ])('leaves %j alone', (argv) => {
    expect(plan(argv)).toEqual(argv);
  });

  it('appends a positional port through an npm script too', () => {
    const s = scripts({ serve: 'python3 -m http.server', dj: 'python manage.py runserver' });
    expect(plan(['npm', 'run', 'serve'], s)).toEqual(['npm', 'run', 'serve', '--', '5173']);
    expect(plan(['pnpm', 'dj'], s)).toEqual(['pnpm', 'dj', '5173']);
  });
});

describe("runner flags are not the server's port flag (issue 30 item 2)", () => {
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

describe('monorepo start-ups from the root (issue 30 item 3)', () => {
  const web = scripts({ dev: 'vite' });
  const root = (rootScripts: Record<string, string> = {}): Scripts => ({
    get: (name) => rootScripts[name],
    workspace: (selector) =>
      ('dir' in selector ? selector.dir === 'packages/web' : selector.name === 'web')
        ? web
        : undefined,
  });
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
      ['npm', '--prefix', 'packages/web', 'run', 'dev'],
      ['npm', '--prefix', 'packages/web', 'run', 'dev', '--', '--port', '5173'],
    ],
    [
      ['pnpm', '-C', 'packages/web', 'dev'],
      ['pnpm', '-C', 'packages/web', 'dev', '--port', '5173'],
    ],
    [
      ['pnpm', '--filter', 'web', 'dev'],
      ['pnpm', '--filter', 'web', 'dev', '--port', '5173'],
    ],
    [
      ['pnpm', '--filter=web', 'run', 'dev'],
      ['pnpm', '--filter=web', 'run', 'dev', '--port', '5173'],
    ],
    [
      ['yarn', '--cwd', 'packages/web', 'dev'],
      ['yarn', '--cwd', 'packages/web', 'dev', '--port', '5173'],
    ],
    [
      ['yarn', 'workspace', 'web', 'dev'],
      ['yarn', 'workspace', 'web', 'dev', '--port', '5173'],
    ],
    [
      ['npm', 'run', 'dev', '-w', 'api'],
      ['npm', 'run', 'dev', '-w', 'api'],
    ],
  ])('%j', (argv, expected) => {
    expect(plan(argv, root())).toEqual(expected);
  });

  it('follows a root script that calls a workspace script, with the separators each manager needs', () => {
    expect(plan(['npm', 'run', 'dev'], root({ dev: 'pnpm --filter web dev' }))).toEqual([
      'npm',
      'run',
      'dev',
      '--',
      '--port',
      '5173',
    ]);
    expect(plan(['pnpm', 'dev'], root({ dev: 'npm run dev -w web' }))).toEqual([
      'pnpm',
      'dev',
      '--',
      '--port',
      '5173',
    ]);
    expect(plan(['npm', 'run', 'dev'], root({ dev: 'npm run dev --workspace web' }))).toEqual([
      'npm',
      'run',
      'dev',
      '--',
      '--',
      '--port',
      '5173',
    ]);
  });

  it('stops following scripts that call each other in a loop', () => {
    expect(plan(['npm', 'run', 'a'], scripts({ a: 'npm run b', b: 'npm run a' }))).toEqual([
      'npm',
      'run',
      'a',
    ]);
  });
});

describe('a command that pins its own port is said so (issue 30 item 4)', () => {
  it.each([
    [['next', 'dev', '-p', '4000'], { server: 'next', port: 4000 }],
    [['next', 'dev'], undefined],
    [['storybook', 'dev', '-p', '6006'], { server: 'storybook', port: 6006 }],
    [['vite', '--port=4000'], { server: 'vite', port: 4000 }],
    [['python3', '-m', 'http.server', '8000'], { server: 'http.server', port: 8000 }],
    [['npm', 'run', 'sb'], { server: 'storybook', port: 6006 }],
    [['vite', 'dev', '--port', 'auto'], { server: 'vite' }],
  ])('%j', (argv, pinned) => {
    const result = withPortFlag(argv, 5173, scripts({ sb: 'storybook dev -p 6006' }));
    expect(result.pinned).toEqual(pinned);
    expect(result.argv).toEqual(argv);
  });
});
