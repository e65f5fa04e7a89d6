// Must hold: a lock held by a live process is never taken over, however long the holder
// stalls (SIGSTOP: a stopped job, a sleeping laptop); the waiter names the holder, waits, and
// both changes land with distinct ports. Run against the pre-issue-9 code, the waiter took
// the lock over after one stale period and the stopped writer then overwrote its change.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseRegistry } from '../../src/core/store/registry-file.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { waitFor } from '../os/helpers/wait.js';
import { cleanEnv, requireBuild, runPm, Worker, worker } from './harness.js';

const STALE_MS = 2000;
const RANGE = [27400, 27449] as const;

describe('a stopped lock holder', () => {
  const tempDir = tempDirPerTest('pm-live-holder-');
  beforeAll(requireBuild);

  it('is waited for across three stale periods; both writers land, distinct ports', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(
      path,
      `version = 1\n\n[defaults]\nrange_start = ${RANGE[0]}\nrange_end = ${RANGE[1]}\n`,
    );
    const env = cleanEnv(dir, {
      PM_LOCK_STALE_MS: String(STALE_MS),
      PM_LOCK_TIMEOUT_MS: '120000',
      PM_SCANNER: 'none',
    });
    const holder = new Worker(worker('pause-at-rename.mjs'), [path, 'a'], env);
    onTestFinished(async () => {
      if (holder.running) holder.child.kill('SIGCONT');
      await holder.kill();
    });
    await holder.waitForLine(/^renaming$/);
    expect(holder.child.kill('SIGSTOP')).toBe(true);

    const waiter = runPm(['--registry', path, 'allocate', 'b', 'one'], env, 120_000);
    // The stopped holder cannot refresh its lock: wait until it has gone unrefreshed for
    // three stale periods, long past the point where it used to be taken over.
    const lock = `${path}.lock`;
    const stalledFor = () => Date.now() - statSync(lock).mtimeMs;
    await waitFor('the lock to go unrefreshed', () => stalledFor() > 3 * STALE_MS, 30_000);
    expect(parseRegistry(readFileSync(path, 'utf8'), path).projects.has('b')).toBe(false);

    holder.child.kill('SIGCONT');
    holder.send('go\n');
    const committed = await holder.waitForLine(/^committed \d+$/);
    const result = await waiter;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(
        `note: waiting for the registry lock: .*registry\\.toml\\.lock is held by pid ${holder.child.pid} \\(pause-at-rename .*\\) on .* since .*; is it stopped\\?`,
      ),
    );
    expect(result.stderr).not.toMatch(/recovered|abandoned/);

    const portA = Number(committed.split(' ')[1]);
    const portB = Number(result.stdout.trim());
    expect(portA).not.toBe(portB);
    const onDisk = parseRegistry(readFileSync(path, 'utf8'), path);
    expect(onDisk.projects.get('a')?.ports.get('web')).toBe(portA);
    expect(onDisk.projects.get('b')?.ports.get('one')).toBe(portB);
    expect((await holder.exited).code).toBe(0);
    console.info(
      `[live-holder] holder stopped ${Math.round(result.ms)} ms (> 3 x ${STALE_MS} ms stale); waiter waited, both landed`,
    );
  }, 90_000);
});
