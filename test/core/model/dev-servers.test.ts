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
