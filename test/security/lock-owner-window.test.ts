import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { processState, until } from './foreign-listener.js';

// Issue 29 item 13: a holder stopped between creating the lock directory and writing its
// owner.json was taken over once the directory looked stale (6 of 6 rounds), and then
// failed with a raw ENOENT. The owner record now exists from the moment the lock does.

const tempDir = tempDirPerTest('pm-sec-lock-');
const STOP = fileURLToPath(new URL('./fixtures/stop-at-lock-owner.cjs', import.meta.url));

describe.skipIf(process.platform !== 'linux')('a lock holder stopped while taking the lock', () => {
  it('is never taken over, and finishes its change when continued', async () => {
    const dir = tempDir();
    const registry = join(dir, 'registry.toml');
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      PM_SCANNER: 'none',
      PM_LOCK_STALE_MS: '2000',
      PM_LOCK_TIMEOUT_MS: '5000',
    };
    expect((await runCli(['--registry', registry, 'allocate', 'seed', 'web'], env)).code).toBe(0);
    const holder = spawn(
      process.execPath,
      ['--require', STOP, CLI, '--registry', registry, 'allocate', 'first', 'web'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let holderErr = '';
    holder.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      holderErr += chunk;
    });
    const holderDone = new Promise<number | null>((resolve) => holder.on('close', resolve));
    try {
      await until(() => processState(holder.pid!) === 'T', 'the holder to stop');
      // Longer than the stale time passes while the second pm waits or works.
      const second = await runCli(['--registry', registry, 'allocate', 'second', 'web'], env);
      expect(second.stderr).not.toContain('recovered a stale');
      expect(second.code).toBe(0);
    } finally {
      holder.kill('SIGCONT');
    }
    expect(await holderDone).toBe(0);
    expect(holderErr).not.toMatch(/ENOENT|EEXIST|internal error/);
    const text = readFileSync(registry, 'utf8');
    for (const name of ['seed', 'first', 'second']) expect(text).toContain(`[projects.${name}`);
  });
});
