// What pm status says about a pm run server that drifted, with real processes: onto a
// sibling's port (issue 30, item 6) and outside the range (item 7). Linux: the pm run marker
// is read from /proc/<pid>/environ.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPm } from '../helpers/cli.js';
import { livePm } from '../helpers/live-pm.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-drift-');
const startPm = livePm();

interface Row {
  service: string;
  state: string;
  moved_to: number | null;
  held_by: string | null;
}

/** A server that listens on LISTEN (a port number; 0: the OS picks), ignoring PORT. */
const SERVER = `require('node:net').createServer(() => {}).listen(Number(process.env.LISTEN), '127.0.0.1', function () { console.log('listening on ' + this.address().port); });`;

describe.skipIf(process.platform !== 'linux')('drift in pm status', () => {
  async function setup() {
    const path = join(tempDir(), 'registry.toml');
    const pm = (...args: string[]) => runPm(['--registry', path, ...args]);
    expect((await pm('config', '--range', '28500-28549')).code).toBe(0);
    const api = Number((await pm('allocate', 'shop', 'api')).stdout);
    const web = Number((await pm('allocate', 'shop', 'web')).stdout);
    const rows = async () =>
      (JSON.parse((await pm('status', '--json')).stdout) as { allocations: Row[] }).allocations;
    return { path, api, web, rows };
  }

  it('shows the sibling as conflict naming the drifter, and the drifter as moved', async () => {
    const { path, api, rows } = await setup();
    const run = startPm(['--registry', path, 'run', 'shop', 'web', '--', 'node', '-e', SERVER], {
      env: { LISTEN: String(api) },
    });
    await run.waitFor(/listening on \d+/);
    const byService = Object.fromEntries((await rows()).map((row) => [row.service, row]));
    expect(byService.api).toMatchObject({ state: 'conflict', held_by: 'shop/web' });
    expect(byService.web).toMatchObject({ state: 'moved', moved_to: api, held_by: null });
  });

  it('shows a move outside the range as moved in status and query', async () => {
    const { path, rows } = await setup();
    const run = startPm(['--registry', path, 'run', 'shop', 'web', '--', 'node', '-e', SERVER], {
      env: { LISTEN: '0' },
    });
    const port = Number((await run.waitFor(/listening on (\d+)/))[1]);
    expect(port < 28500 || port > 28549).toBe(true);
    const web = (await rows()).find((row) => row.service === 'web');
    expect(web).toMatchObject({ state: 'moved', moved_to: port });
    const query = JSON.parse(
      (await runPm(['--registry', path, 'query', 'shop', '--json'])).stdout,
    ) as { services: { service: string; state: string }[] };
    expect(query.services.find((row) => row.service === 'web')?.state).toBe('moved');
  });
});
