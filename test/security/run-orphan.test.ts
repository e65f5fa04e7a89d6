import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { alive, until } from './foreign-listener.js';
import { hostileRepo } from './hostile-repo.js';

// Issue 29 item 12: `pm run` left its command running and listening when pm was killed
// (SIGKILL, SIGQUIT, SIGALRM), and SIGUSR1 opened Node's inspector in pm instead of reaching
// the command. The command now dies with pm (Linux: a parent-death signal set by setpriv),
// SIGQUIT/SIGUSR1/SIGUSR2/SIGWINCH are passed on, and a rerun that finds its own orphan
// on the port names its pid.

const tempDir = tempDirPerTest('pm-sec-orphan-');

// The server records every signal it gets, then listens on PORT and prints its pid.
const SERVER = `
const fs = require('fs');
const log = process.env.SIGNAL_LOG;
for (const s of ['SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGQUIT']) process.on(s, () => fs.appendFileSync(log, s + '\\n'));
require('http').createServer((q, r) => r.end()).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(process.pid));
`;

function startRun(repo: ReturnType<typeof hostileRepo>, log: string) {
  const pm = spawn(
    process.execPath,
    [CLI, '--registry', repo.registry, 'run', 'shop', 'web', '--', process.execPath, '-e', SERVER],
    {
      env: { PATH: process.env.PATH, HOME: repo.dir, PM_SCANNER: 'none', SIGNAL_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  pm.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const serverPid = new Promise<number>((resolve) => {
    pm.stdout.setEncoding('utf8').once('data', (chunk: string) => resolve(Number(chunk.trim())));
  });
  // 'exit', not 'close': an orphaned command keeps pm's stdout pipe open.
  const closed = new Promise<number | null>((resolve) => pm.on('exit', resolve));
  return { pm, serverPid, closed, stderr: () => stderr };
}

describe.skipIf(process.platform !== 'linux')('pm run and its command', () => {
  it.each(['SIGKILL', 'SIGQUIT', 'SIGALRM'] as const)(
    'the command dies when pm dies of %s',
    async (signal) => {
      const repo = hostileRepo(tempDir(), {});
      const log = join(repo.dir, 'signals.log');
      writeFileSync(log, '');
      const run = startRun(repo, log);
      const pid = await run.serverPid;
      let stopped = false;
      try {
        // SIGQUIT is passed on to the command (which records it and goes on); pm then ends when
        // the command does, so the test ends the command's wait with SIGTERM to pm after it.
        run.pm.kill(signal);
        if (signal === 'SIGQUIT') {
          await until(
            () => readFileSync(log, 'utf8').includes('SIGQUIT'),
            'SIGQUIT to reach the command',
          );
          run.pm.kill('SIGKILL');
        }
        await run.closed;
        await until(() => !alive(pid), `the command (pid ${pid}) to end after pm's ${signal}`);
        stopped = true;
      } finally {
        if (!stopped && alive(pid)) process.kill(pid, 'SIGKILL');
      }
    },
  );

  it('passes SIGUSR1, SIGUSR2, SIGWINCH and SIGQUIT on to the command', async () => {
    const repo = hostileRepo(tempDir(), {});
    const log = join(repo.dir, 'signals.log');
    writeFileSync(log, '');
    const run = startRun(repo, log);
    const pid = await run.serverPid;
    try {
      for (const signal of ['SIGUSR1', 'SIGUSR2', 'SIGWINCH'] as const) {
        run.pm.kill(signal);
        await until(
          () => readFileSync(log, 'utf8').includes(signal),
          `${signal} to reach the command`,
        );
      }
      expect(run.stderr()).not.toContain('Debugger listening');
    } finally {
      run.pm.kill('SIGTERM');
      await run.closed;
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('a rerun that finds its own orphan on the port says which pid holds it', {
    timeout: 60_000,
  }, async () => {
    const repo = hostileRepo(tempDir(), {});
    const log = join(repo.dir, 'signals.log');
    writeFileSync(log, '');
    const allocated = await repo.pm(['allocate', 'shop', 'web']);
    expect(allocated.code).toBe(0);
    const port = Number(allocated.stdout.trim());
    // An orphan: the server a pm run started, still running after that pm is gone.
    const orphan = spawn(process.execPath, ['-e', SERVER], {
      env: {
        PATH: process.env.PATH,
        SIGNAL_LOG: log,
        PORT: String(port),
        PM_SERVICE: 'shop/web',
        PM_REGISTRY: repo.registry,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const orphanPid = await new Promise<number>((resolve, reject) => {
        let stderr = '';
        orphan.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
        });
        orphan.stdout.once('data', (c) => resolve(Number(String(c).trim())));
        orphan.once('exit', () => reject(new Error(`the orphan could not listen: ${stderr}`)));
      });
      const rerun = await repo.pm(['run', 'shop', 'web', '--', process.execPath, '-e', '0']);
      expect(rerun.stderr).toContain(`pid ${orphanPid}`);
      expect(rerun.stderr).toContain('earlier pm run');
    } finally {
      orphan.kill('SIGKILL');
    }
  });
});
