// `pm run` as a user runs it: the built CLI, real child processes, real sockets. Every process
// signalled here was started by this file (pm, or the command pm started for it).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/child.js';
import { runPm, runPmIn } from '../helpers/cli.js';
import { livePm } from '../helpers/live-pm.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const RANGE = '28100-28199';
const tempDir = tempDirPerTest('pm-run-');
const startPm = livePm();

async function registry() {
  const path = join(tempDir(), 'registry.toml');
  const pm = (...args: string[]) => runPm(['--registry', path, ...args]);
  expect((await pm('config', '--range', RANGE)).code).toBe(0);
  return { path, pm };
}

const SERVER = `
  const port = Number(process.env.PORT) + Number(process.env.SHIFT ?? 0);
  require('node:http')
    .createServer((req, res) => res.end('hello from ' + process.env.PM_SERVICE))
    .listen(port, '127.0.0.1', () => console.log(JSON.stringify({
      pid: process.pid, listening: port, PORT: process.env.PORT,
      WEB_PORT: process.env.WEB_PORT, API_GW_PORT: process.env.API_GW_PORT,
      PM_REGISTRY: process.env.PM_REGISTRY,
    })));
`;

describe('pm run', () => {
  it("starts a server on its port with its siblings' ports, and SIGTERM to pm stops it", async () => {
    const { path, pm } = await registry();
    const api = Number((await pm('allocate', 'shop', 'api-gw')).stdout);
    const run = startPm(['--registry', path, 'run', 'shop', 'web', '--', 'node', '-e', SERVER]);
    const report = JSON.parse((await run.waitFor(/\{.*\}/))[0]) as Record<string, string | number>;
    const web = Number((await pm('query', 'shop', 'web')).stdout);
    expect(report).toMatchObject({
      PORT: String(web),
      WEB_PORT: String(web),
      API_GW_PORT: String(api),
      // The registry pm run used, so the marker is this registry's and a nested pm uses it.
      PM_REGISTRY: resolve(path),
    });
    const response = await fetch(`http://127.0.0.1:${web}/`);
    expect(await response.text()).toBe('hello from shop/web');

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
    expect(isAlive(Number(report.pid))).toBe(false);
    // pm's own messages never reach stdout: only the server's line is there.
    expect(run.output().stdout.trim().split('\n')).toHaveLength(1);
  });

  it("exits with the command's code, and 128+N when the command is killed by signal N", async () => {
    const { path, pm } = await registry();
    expect((await pm('run', 'shop', 'web', '--', 'node', '-e', 'process.exit(3)')).code).toBe(3);
    const run = startPm([
      '--registry',
      path,
      'run',
      'shop',
      'web',
      '--',
      'node',
      '-e',
      'console.log(process.pid); setTimeout(() => {}, 60000)',
    ]);
    const pid = Number((await run.waitFor(/^\d+$/m))[0]);
    process.kill(pid, 'SIGKILL');
    expect(await run.exited).toBe(137);
  });

  it('answers 127 for a missing command and 126 for a file that cannot be executed', async () => {
    const { pm } = await registry();
    const missing = await pm('run', 'shop', 'web', '--', 'pm-test-no-such-command');
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(
      /^pm: command not found: pm-test-no-such-command\nhint: check the command after the double dash.*\n$/,
    );
    const file = join(tempDir(), 'script.sh');
    writeFileSync(file, 'echo hi\n', { mode: 0o644 });
    const denied = await pm('run', 'shop', 'web', '--', file);
    expect(denied.code).toBe(126);
    expect(denied.stderr).toMatch(/^pm: not executable: .*script\.sh\nhint: .*\n$/);
  });

  it('refuses a run without a command, a bad variable name, or no project, as usage errors', async () => {
    // In-process: nothing is started, so the process is not the point.
    const { path } = await registry();
    const pm = (...args: string[]) => runMain(['--registry', path, ...args], { cwd: tempDir() });
    expect((await pm('run', 'shop', 'web')).code).toBe(2);
    const noDashes = await pm('run', 'shop', 'web', 'node', 'server.js');
    expect(noDashes.code).toBe(2);
    expect(noDashes.stderr).toMatch(/'node' looks like the command to run/);
    const bad = await pm('run', 'shop', 'web', '--env', 'MY-PORT', '--', 'node', '-e', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--env: invalid variable name 'MY-PORT'");
    const nowhere = await pm('run', 'web', '--', 'node', '-e', '0');
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('hint: name it: pm run <project> <service> -- <command>');
    expect(readFileSync(path, 'utf8')).not.toContain('web =');
    expect((await pm('status', '--', 'x')).code).toBe(2);
  });

  it('sets the variable named by --env instead of PORT', async () => {
    const { pm } = await registry();
    const result = await pm(
      'run',
      'shop',
      'web',
      '--env',
      'HTTP_PORT',
      '--',
      'node',
      '-e',
      'console.log(process.env.HTTP_PORT, process.env.PORT)',
    );
    const web = (await pm('query', 'shop', 'web')).stdout.trim();
    expect(result.stdout).toBe(`${web} undefined\n`);
  });
});

describe('pm run with a dev server that ignores PORT', () => {
  /** A `vite` on PATH that records the arguments it was given. */
  function fakeVite(): { bin: string; record: string; path: string } {
    const dir = tempDir();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const record = join(dir, 'argv.json');
    writeFileSync(
      join(bin, 'vite'),
      `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify(process.argv.slice(2)));\n`,
    );
    chmodSync(join(bin, 'vite'), 0o755);
    return { bin, record, path: `${bin}:${process.env.PATH}` };
  }

  it('appends --port when vite is run directly, and not when the user chose a port', async () => {
    const { path } = await registry();
    const vite = fakeVite();
    const env = { PATH: vite.path };
    const direct = await runPmIn(
      tempDir(),
      ['--registry', path, 'run', 'shop', 'web', '--', 'vite'],
      env,
    );
    expect(direct.code).toBe(0);
    const port = (await runPm(['--registry', path, 'query', 'shop', 'web'])).stdout.trim();
    expect(JSON.parse(readFileSync(vite.record, 'utf8'))).toEqual(['--port', port]);
    expect(direct.stderr).toContain('vite ignores PORT');

    await runPmIn(
      tempDir(),
      ['--registry', path, 'run', 'shop', 'web', '--', 'vite', '--port=4000'],
      env,
    );
    expect(JSON.parse(readFileSync(vite.record, 'utf8'))).toEqual(['--port=4000']);
  });

  it('appends it after -- through an npm script whose command is vite', async () => {
    const { path } = await registry();
    const vite = fakeVite();
    const project = tempDir();
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'app', private: true, scripts: { dev: 'vite --host' } }),
    );
    const result = await runPmIn(
      project,
      ['--registry', path, 'run', 'shop', 'web', '--', 'npm', 'run', 'dev'],
      { PATH: vite.path },
    );
    expect(result.code).toBe(0);
    const port = (await runPm(['--registry', path, 'query', 'shop', 'web'])).stdout.trim();
    expect(JSON.parse(readFileSync(vite.record, 'utf8'))).toEqual(['--host', '--port', port]);
  });
});

describe('pm run with servers it does not run itself (issue 30)', () => {
  it('gives python -m http.server its port as a positional argument, and it serves there', async () => {
    const { path, pm } = await registry();
    const root = tempDir();
    writeFileSync(join(root, 'index.html'), 'served by http.server');
    const run = startPm(
      [
        '--registry',
        path,
        'run',
        'shop',
        'py',
        '--',
        'python3',
        '-m',
        'http.server',
        '--bind',
        '127.0.0.1',
      ],
      { cwd: root },
    );
    await run.waitFor(/http\.server ignores PORT: added (\d+)/);
    const port = (await pm('query', 'shop', 'py')).stdout.trim();
    expect(run.output().stderr).toContain(`added ${port}`);
    // The server is up on pm's port when a request to it answers with the file.
    const body = await until(() => fetchText(`http://127.0.0.1:${port}/index.html`), 15_000);
    expect(body).toBe('served by http.server');
    run.child.kill('SIGTERM');
    await run.exited;
  });

  it('says at start that a script pins its own port, and how to record it', async () => {
    const { path } = await registry();
    const project = tempDir();
    const bin = join(project, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'storybook'), `#!${process.execPath}\n`);
    chmodSync(join(bin, 'storybook'), 0o755);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ scripts: { sb: 'storybook dev -p 6006' } }),
    );
    const result = await runPmIn(
      project,
      ['--registry', path, 'run', 'shop', 'sb', '--', 'npm', 'run', 'sb'],
      {
        PATH: `${bin}:${process.env.PATH}`,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/pins storybook to port 6006, not sb's port \d+/);
    expect(result.stderr).toContain('pm free shop sb && pm allocate shop sb --port 6006');
  });
});

async function fetchText(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url);
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('drift', () => {
  it('warns once naming both ports, and status shows the allocation as moved', async () => {
    const { path, pm } = await registry();
    const run = startPm(['--registry', path, 'run', 'shop', 'web', '--', 'node', '-e', SERVER], {
      env: { SHIFT: '1' },
    });
    const report = JSON.parse((await run.waitFor(/\{.*\}/))[0]) as { listening: number };
    const own = report.listening - 1;
    expect(Number((await pm('query', 'shop', 'web')).stdout)).toBe(own);
    await run.waitFor(new RegExp(`shop/web listens on ${own + 1}, not on its port ${own}`));

    const status = JSON.parse((await pm('status', '--json')).stdout);
    expect(status.allocations[0]).toMatchObject({ state: 'moved', port: own, moved_to: own + 1 });
    const table = (await pm('status')).stdout;
    expect(table).toMatch(new RegExp(`moved \u2192 ${own + 1}`));

    run.child.kill('SIGTERM');
    await run.exited;
    expect(run.output().stderr.match(/listens on/g)).toHaveLength(1);
    // The server is gone, so the allocation is simply idle again.
    expect(JSON.parse((await pm('status', '--json')).stdout).allocations[0].state).toBe('idle');
  });

  it('stays quiet for a server on its own port', async () => {
    const { path } = await registry();
    const run = startPm(['--registry', path, 'run', 'shop', 'web', '--', 'node', '-e', SERVER]);
    await run.waitFor(/\{.*\}/);
    // Long enough for the watch to have scanned at least twice (every 1.5 s).
    await new Promise((resolve) => setTimeout(resolve, 3500));
    run.child.kill('SIGTERM');
    await run.exited;
    expect(run.output().stderr).toBe('');
  });
});
