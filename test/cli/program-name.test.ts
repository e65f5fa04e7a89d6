// Issue 18 end to end: a real `node <dir>/server.js` on the port pm handed out is shown as
// `server.js`, not as `node`, in the table and in JSON (which keeps the kernel name too).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningChild, startNode } from '../helpers/child.js';
import { runPm } from '../helpers/cli.js';
import { tempDirPerTest } from '../helpers/tmp.js';

// A range of its own, so this file never races other test files for ports.
const RANGE = '27700-27749';
const tempDir = tempDirPerTest();
const children: RunningChild<unknown>[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop()));
});

const SERVER = `
const port = Number(process.argv[2]);
const server = require('node:http').createServer((_, res) => res.end('ok'));
server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ port })));
`;

describe.runIf(process.platform === 'linux')('the PROCESS column names the program', () => {
  it('shows server.js for `node server.js` in pm status, and program + command in --json', async () => {
    const dir = tempDir();
    const registry = join(dir, 'registry.toml');
    const pm = (...args: string[]) => runPm(['--registry', registry, ...args]);
    expect((await pm('config', '--range', RANGE)).code).toBe(0);
    const allocated = await pm('allocate', 'shop', 'web');
    expect(allocated.code).toBe(0);
    const port = Number(allocated.stdout.trim());

    const script = join(dir, 'server.js');
    writeFileSync(script, SERVER);
    const server = await startNode<{ port: number }>([script, String(port)]);
    children.push(server);

    // A second node service, started the way `npx vite` starts it: two `node`s, told apart.
    const apiPort = Number((await pm('allocate', 'shop', 'api')).stdout.trim());
    const bin = join(dir, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'vite'), SERVER);
    const vite = await startNode<{ port: number }>([join(bin, 'vite'), String(apiPort)]);
    children.push(vite);

    const table = await pm('status');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(`shop\\s+web\\s+${port}\\s+active\\s+${server.pid}\\s+server\\.js \\(node\\)\\s`),
    );
    expect(table.stdout).toMatch(
      new RegExp(`shop\\s+api\\s+${apiPort}\\s+active\\s+${vite.pid}\\s+vite \\(node\\)\\s`),
    );

    const json = JSON.parse((await pm('status', '--json')).stdout);
    const row = json.allocations.find((allocation: { port: number }) => allocation.port === port);
    expect(row).toMatchObject({
      port,
      state: 'active',
      pid: server.pid,
      process: 'node',
      program: 'server.js',
      command: [process.execPath, script, String(port)],
    });
    expect(row.listeners[0]).toMatchObject({ program: 'server.js', process: 'node' });

    const query = await pm('query', `:${port}`);
    expect(query.stdout).toContain(`pid ${server.pid} server.js (node)`);
  });

  it('names the program when refusing a port it holds', async () => {
    const dir = tempDir();
    const registry = join(dir, 'registry.toml');
    const pm = (...args: string[]) => runPm(['--registry', registry, ...args]);
    expect((await pm('config', '--range', RANGE)).code).toBe(0);
    const port = Number((await pm('suggest')).stdout.trim());
    const script = join(dir, 'api.js');
    writeFileSync(script, SERVER);
    const server = await startNode<{ port: number }>([script, String(port)]);
    children.push(server);

    const refused = await pm('allocate', 'shop', 'api', '--port', String(port));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`in use by api.js (node) (pid ${server.pid})`);
  });

  it('names a server started by nest start after Nest, not after its build output', async () => {
    const dir = tempDir();
    const registry = join(dir, 'registry.toml');
    const pm = (...args: string[]) => runPm(['--registry', registry, ...args]);
    expect((await pm('config', '--range', RANGE)).code).toBe(0);
    const port = Number((await pm('allocate', 'api', 'web')).stdout.trim());
    // What `nest start` does: the CLI (node …/@nestjs/cli/bin/nest.js) runs the compiled
    // `node dist/main` through a shell and waits for it.
    const main = join(dir, 'dist', 'main.js');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(
      main,
      `${SERVER.replace('JSON.stringify({ port })', 'JSON.stringify({ port, pid: process.pid })')}
       process.on('SIGTERM', () => process.exit(0));`,
    );
    const cli = join(dir, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
    mkdirSync(join(cli, '..'), { recursive: true });
    writeFileSync(
      cli,
      `const child = require('node:child_process').spawn(
         ${JSON.stringify(`"${process.execPath}" ${JSON.stringify(join(dir, 'dist', 'main'))} ${port}`)},
         { stdio: 'inherit', shell: true });
       process.on('SIGTERM', () => { child.kill('SIGTERM'); process.exit(0); });`,
    );
    const nest = await startNode<{ port: number; pid: number }>([cli, 'start']);
    children.push(nest);
    // The server is the CLI's grandchild (or child, if the shell exec'd it): stopped too.
    children.push({
      pid: nest.report.pid,
      report: nest.report,
      stop: async () => {
        const gone = () => {
          try {
            process.kill(nest.report.pid, 0);
            return false;
          } catch {
            return true;
          }
        };
        if (!gone()) process.kill(nest.report.pid, 'SIGTERM');
        for (const deadline = Date.now() + 5000; !gone() && Date.now() < deadline; ) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
    } as RunningChild<{ port: number; pid: number }>);

    const table = await pm('status');
    expect(table.stdout).toMatch(
      new RegExp(`api\\s+web\\s+${port}\\s+active\\s+${nest.report.pid}\\s+nest \\(node\\)\\s`),
    );
    const json = JSON.parse((await pm('status', '--json')).stdout);
    const row = json.allocations.find((allocation: { port: number }) => allocation.port === port);
    expect(row).toMatchObject({ pid: nest.report.pid, process: 'node', program: 'nest' });
  });
});
