// What pm run says about the port as the command starts and when it drifts, with real
// processes: a port someone already holds (issue 30, item 5) and a script that pins its own
// (item 4). Every process signalled here was started by this file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startChild } from '../helpers/child.js';
import { runPm, runPmIn } from '../helpers/cli.js';
import { livePm } from '../helpers/live-pm.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-run-ports-');
const startPm = livePm();

async function registry() {
  const path = join(tempDir(), 'registry.toml');
  const pm = (...args: string[]) => runPm(['--registry', path, ...args]);
  expect((await pm('config', '--range', '28400-28449')).code).toBe(0);
  return { path, pm };
}

/** A server that takes the port it is given and moves one up when that one is taken. */
const MOVING = `
  const want = Number(process.argv.at(-1));
  const net = require('node:net');
  const tryPort = (p) => {
    const s = net.createServer();
    s.once('error', () => tryPort(p + 1));
    s.listen(p, '127.0.0.1', () => console.log('listening on ' + p));
  };
  tryPort(want);
`;

describe.skipIf(process.platform !== 'linux')('pm run and a port already held', () => {
  it('warns at start naming the holder, and the drift warning names it instead of --port', async () => {
    const { path, pm } = await registry();
    const port = Number((await pm('allocate', 'shop', 'web')).stdout);
    const holder = await startChild<{ pid: number }>(
      `require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log(JSON.stringify({ pid: process.pid })));`,
    );
    try {
      const run = startPm(
        ['--registry', path, 'run', 'shop', 'web', '--', 'node', '-e', MOVING, String(port)],
        {},
      );
      await run.waitFor(
        new RegExp(`shop/web's port ${port} is already held by .*\\(pid ${holder.pid}\\)`),
      );
      const drift = await run.waitFor(/warning: shop\/web listens on .*/);
      expect(drift[0]).toContain(`${port} is held by`);
      expect(drift[0]).toContain(`(pid ${holder.pid})`);
      expect(drift[0]).not.toContain('--port');
      run.child.kill('SIGTERM');
      await run.exited;
    } finally {
      await holder.stop();
    }
  });
});

describe('a script that pins its port', () => {
  it('is kept, and pm says so at start with the command that records it', async () => {
    const { path } = await registry();
    const project = tempDir();
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'app', private: true, scripts: { dev: 'next dev -p 4000' } }),
    );
    // A stand-in for npm that runs nothing: only what pm says before starting matters here.
    const bin = tempDir();
    writeFileSync(join(bin, 'npm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const result = await runPmIn(
      project,
      ['--registry', path, 'run', 'shop', 'web', '--', 'npm', 'run', 'dev'],
      {
        PATH: `${bin}:${process.env.PATH}`,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /pm: the command pins next to port 4000, not web's port \d+; to record that port instead: pm free shop web && pm allocate shop web --port 4000/,
    );
  });
});
