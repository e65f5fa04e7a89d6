// Must hold: 100 `pm allocate` processes started at once all succeed with distinct ports. The
// lock changes hands every few milliseconds, and waiting while it does has no limit; before
// issue 9 a waiter gave up after 15 s of total waiting however much progress others made.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocations } from '../../src/core/model/registry.js';
import { parseRegistry } from '../../src/core/store/registry-file.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, runPm } from './harness.js';

const PROCESSES = 100;
const RANGE = [28000, 28299] as const;

describe('a crowd of writers', () => {
  const tempDir = tempDirPerTest('pm-crowd-');
  beforeAll(requireBuild);

  it(`${PROCESSES} concurrent pm allocate: 0 failures, 0 duplicate ports`, async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(
      path,
      `version = 1\n\n[defaults]\nrange_start = ${RANGE[0]}\nrange_end = ${RANGE[1]}\n`,
    );
    // A short no-progress timeout: the crowd must finish on progress alone, never on budget.
    const env = cleanEnv(dir, { PM_SCANNER: 'none', PM_LOCK_TIMEOUT_MS: '5000' });
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) =>
        runPm(['allocate', 'crowd', `s${i}`, '--registry', path], env, 170_000),
      ),
    );
    const wall = performance.now() - started;
    const failures = results.filter((result) => result.code !== 0);
    expect(failures.map((result) => `${result.code} ${result.stderr}`)).toEqual([]);
    const ports = results.map((result) => Number(result.stdout.trim()));
    expect(new Set(ports).size).toBe(PROCESSES);
    const registry = parseRegistry(readFileSync(path, 'utf8'), path);
    expect(allocations(registry)).toHaveLength(PROCESSES);
    for (const [i, port] of ports.entries()) {
      expect(registry.projects.get('crowd')?.ports.get(`s${i}`)).toBe(port);
    }
    const slowest = Math.max(...results.map((result) => result.ms));
    console.info(
      `[crowd] ${PROCESSES} processes: wall ${Math.round(wall)} ms, slowest ${Math.round(slowest)} ms, 0 failures`,
    );
  }, 180_000);
});
