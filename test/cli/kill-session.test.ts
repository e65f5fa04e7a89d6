// pm kill of a listener that pm run started under a watcher (issue 30, item 9): the whole run
// stops, so pm run ends instead of waiting with a watcher that lost its server. Real
// processes, all started here; Linux (the pm run marker is read from /proc/<pid>/environ).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/child.js';
import { runPm } from '../helpers/cli.js';
import { livePm } from '../helpers/live-pm.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-kill-session-');
const startPm = livePm();

describe.skipIf(process.platform !== 'linux')('pm kill and a pm run session', () => {
  it('stops the watcher with its server, and pm run exits', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    const pm = (...args: string[]) => runPm(['--registry', path, ...args]);
    expect((await pm('config', '--range', '28650-28699')).code).toBe(0);
    const server = join(dir, 'server.js');
    writeFileSync(
      server,
      `require('node:net').createServer(() => {}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('server ' + process.pid + ' on ' + process.env.PORT));\n`,
    );
    const command = ['node', '--watch', server];
    const run = startPm(['--registry', path, 'run', 'shop', 'web', '--', ...command]);
    const [, serverPid] = (await run.waitFor(/server (\d+) on \d+/)) as unknown as [string, string];
    const killed = await pm('kill', 'shop', 'web', '--json');
    expect(killed.code).toBe(0);
    const report = JSON.parse(killed.stdout) as {
      freed: boolean;
      session: { service: string; pid: number } | null;
      processes: { pid: number }[];
    };
    expect(report.freed).toBe(true);
    expect(report.session?.service).toBe('shop/web');
    // The watcher (the run's first process) and the server.
    expect(report.processes.map((p) => p.pid)).toContain(Number(serverPid));
    expect(report.processes.map((p) => p.pid)).toContain(report.session?.pid);
    // pm run ends with its command (node --watch exits 0 on SIGTERM), and nothing is left.
    expect(typeof (await run.exited)).toBe('number');
    expect(isAlive(Number(serverPid))).toBe(false);
  });
});
