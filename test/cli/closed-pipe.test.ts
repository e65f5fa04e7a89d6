// `pm status | head -1`: the reader goes away before pm has written everything. The process is
// the point here (a real pipe, a real EPIPE), so the bin is spawned.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest();

/** Runs pm with its stdout a pipe nobody reads: closed before pm writes a byte. */
function runWithClosedStdout(args: readonly string[]) {
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const REGISTRY = [
  'version = 1',
  '[defaults]',
  'range_start = 21100',
  'range_end = 21199',
  '[projects.shop.ports]',
  ...Array.from({ length: 60 }, (_, i) => `svc${i} = ${21100 + i}`),
  '',
].join('\n');

it.each([
  ['doctor'],
  ['config'],
  ['status'],
  ['status', '--json'],
  ['--once'],
  ['suggest', '--count', '20'],
  ['help'],
])('pm %s into a closed pipe exits 0 and says nothing', async (...args) => {
  const registry = join(tempDir(), 'registry.toml');
  // Allocations, so status has a table to print rather than a note on stderr.
  writeFileSync(registry, REGISTRY);
  const result = await runWithClosedStdout(['--registry', registry, ...args]);
  expect(result).toEqual({ code: 0, stderr: '' });
});
