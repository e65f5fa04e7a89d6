// Must hold: 8 simultaneous `pm allocate` processes get 8 distinct ports; 8 more for the same
// services get the same ports back (allocate is idempotent); no process fails on the lock.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocations } from '../../src/core/model/registry.js';
import { parseRegistry } from '../../src/core/store/registry-file.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, runPm } from './harness.js';

const PROCESSES = 8;
const RANGE = [27200, 27249] as const;

interface Allocated {
  readonly project: string;
  readonly service: string;
  readonly port: number;
  readonly created: boolean;
}

describe('concurrent pm allocate', () => {
  const tempDir = tempDirPerTest('pm-concurrent-');
  beforeAll(requireBuild);

  it(`${PROCESSES} at once get distinct ports; ${PROCESSES} more get the same ones back`, async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(
      path,
      `version = 1\n\n[defaults]\nrange_start = ${RANGE[0]}\nrange_end = ${RANGE[1]}\n`,
    );
    const env = cleanEnv(dir);
    const wave = () =>
      Promise.all(
        Array.from({ length: PROCESSES }, (_, i) =>
          runPm(['--registry', path, 'allocate', `app${i % 3}`, `svc${i}`, '--json'], env),
        ),
      );

    const first = await wave();
    for (const result of first) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/lock/i);
    }
    const given = first.map((result) => JSON.parse(result.stdout) as Allocated);
    expect(given.every((a) => a.created)).toBe(true);
    const ports = given.map((a) => a.port);
    expect(new Set(ports).size).toBe(PROCESSES);
    expect(ports.every((port) => port >= RANGE[0] && port <= RANGE[1])).toBe(true);

    const second = await wave();
    for (const result of second) expect(result.code, result.stderr).toBe(0);
    const again = second.map((result) => JSON.parse(result.stdout) as Allocated);
    expect(again.map((a) => a.port)).toEqual(ports);
    expect(again.every((a) => !a.created)).toBe(true);

    const registry = parseRegistry(readFileSync(path, 'utf8'), path);
    expect(allocations(registry)).toHaveLength(PROCESSES);
    for (const a of given)
      expect(registry.projects.get(a.project)?.ports.get(a.service)).toBe(a.port);
    expect(readdirSync(dir).sort()).toEqual(['registry.toml', 'registry.toml.bak']);
    const slowest = Math.max(...first.map((result) => result.ms));
    console.info(
      `[concurrent-cli] ${PROCESSES} + ${PROCESSES} processes; slowest of the first wave ${Math.round(slowest)} ms`,
    );
  });
});
