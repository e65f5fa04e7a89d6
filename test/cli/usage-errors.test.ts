// Input pm cannot act on is exit 2 naming the flag or variable, and the registry is untouched.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest();

async function registry(): Promise<string> {
  const path = join(tempDir(), 'registry.toml');
  expect((await runMain(['--registry', path, 'config', '--range', '21200-21299'])).code).toBe(0);
  return path;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

it.each([
  [['allocate', 'shop', 'web', '--path', ''], /--path needs a directory/],
  [
    ['allocate', 'shop', 'web', '--path', 'no/such/dir'],
    /invalid --path 'no\/such\/dir': no directory at \//,
  ],
  [['allocate', 'shop', 'web', '--port', ' 21205'], /invalid --port ' 21205': remove the spaces/],
  [['allocate', 'shop', 'web', '--prefer', '21205 '], /invalid --prefer '21205 '/],
  [['suggest', '--count', ' 2'], /invalid --count ' 2'/],
  [['--interval', '50'], /invalid --interval '50'/],
  [['config', '--range', '3000-'], /--range: invalid range '3000-'/],
  [['config', '--exclude', '3000,x'], /--exclude: invalid port in list 'x'/],
])('%j is exit 2 naming the flag', async (args, message) => {
  const path = await registry();
  const before = sha(path);
  const result = await runMain(['--registry', path, ...args]);
  expect(result).toMatchObject({ code: 2, stdout: '' });
  expect(result.stderr).toMatch(message);
  expect(sha(path)).toBe(before);
});

it('refuses an empty --registry rather than falling back to the default one', async () => {
  const result = await runMain(['--registry', '', 'allocate', 'shop', 'web']);
  expect(result).toMatchObject({ code: 2, stdout: '' });
  expect(result.stderr).toContain("--registry needs a file path, got ''");
});

it.each([
  ['PM_LOCK_STALE_MS', '1e10'],
  ['PM_LOCK_STALE_MS', '99999999999'],
  ['PM_LOCK_TIMEOUT_MS', '-1'],
  ['PM_LOCK_TIMEOUT_MS', 'soon'],
  ['PM_SCANNER', 'bogus'],
])('%s=%s is exit 2 naming the variable', async (name, value) => {
  const path = await registry();
  const before = sha(path);
  const result = await runMain(['--registry', path, 'allocate', 'shop', 'web'], {
    env: { [name]: value },
  });
  expect(result).toMatchObject({ code: 2, stdout: '' });
  expect(result.stderr).toContain(`invalid ${name} '${value}'`);
  expect(sha(path)).toBe(before);
});

it('accepts the documented values of the variables', async () => {
  const path = await registry();
  const env = { PM_SCANNER: 'NONE', PM_LOCK_STALE_MS: '5000', PM_LOCK_TIMEOUT_MS: '8000' };
  const result = await runMain(['--registry', path, 'status'], { env });
  expect(result.code).toBe(0);
  expect(result.stderr).toContain('scanning is turned off');
});

it('resolves a relative --path and PM_REGISTRY against the caller’s directory', async () => {
  const dir = tempDir();
  const result = await runMain(['allocate', 'shop', 'web', '--path', '.'], {
    cwd: dir,
    env: { PM_REGISTRY: 'registry.toml' },
  });
  expect(result.code).toBe(0);
  expect(readFileSync(join(dir, 'registry.toml'), 'utf8')).toContain(`path = "${dir}"`);
});

it('--no-color turns colour off even when FORCE_COLOR asks for it', async () => {
  const path = await registry();
  await runMain(['--registry', path, 'allocate', 'shop', 'web']);
  const env = { FORCE_COLOR: '1' };
  expect((await runMain(['--registry', path, 'status'], { env })).stdout).toContain('\u001b[');
  const plain = await runMain(['--registry', path, '--no-color', 'status'], { env });
  expect(plain.code).toBe(0);
  expect(plain.stdout).not.toContain('\u001b[');
  expect(
    (await runMain(['--registry', path, 'status'], { env: { NO_COLOR: '1', ...env } })).stdout,
  ).not.toContain('\u001b[');
});
