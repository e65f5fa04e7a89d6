// Must hold: N processes doing read-modify-write transactions at once never lose an update.
// The control run turns the lock off and must lose some, or the test could not see the bug.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRegistry } from '../../src/core/store/registry-file.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, tempFiles, Worker, worker } from './harness.js';

const PROCESSES = 6;
const TRANSACTIONS = 25;

interface Outcome {
  readonly ok: number;
  readonly errors: string[];
  readonly exitCodes: (number | null)[];
  readonly present: Set<string>;
  readonly counter: bigint;
  readonly dir: string;
}

async function race(dir: string, mode: 'lock' | 'nolock'): Promise<Outcome> {
  const path = join(dir, 'registry.toml');
  const env = cleanEnv(dir, { PM_LOCK_STALE_MS: '10000' });
  const workers = Array.from(
    { length: PROCESSES },
    (_, id) => new Worker(worker('rmw.mjs'), [path, String(id), String(TRANSACTIONS), mode], env),
  );
  // All start their loops together, once every one has loaded.
  await Promise.all(workers.map((w) => w.waitForLine(/^ready$/)));
  for (const w of workers) w.send('go\n');
  const exits = await Promise.all(workers.map((w) => w.exited));
  let ok = 0;
  const errors: string[] = [];
  for (const w of workers) {
    const summary = w.lines.find((line) => line.startsWith('{'));
    if (!summary) throw new Error(`worker printed no summary; stderr:\n${w.stderr}`);
    const parsed = JSON.parse(summary) as { ok: number; errors: string[] };
    ok += parsed.ok;
    errors.push(...parsed.errors);
  }
  const registry = parseRegistry(readFileSync(path, 'utf8'), path);
  const present = new Set<string>();
  for (const [project, entry] of registry.projects) {
    for (const service of entry.ports.keys()) present.add(`${project}.${service}`);
  }
  return {
    ok,
    errors,
    exitCodes: exits.map((exit) => exit.code),
    present,
    counter: registry.extra.counter as bigint,
    dir,
  };
}

describe('concurrent read-modify-write through the real store', () => {
  const tempDir = tempDirPerTest('pm-lost-');
  beforeAll(requireBuild);

  it(`keeps all ${PROCESSES * TRANSACTIONS} changes of ${PROCESSES} processes x ${TRANSACTIONS} transactions`, async () => {
    const started = performance.now();
    const outcome = await race(tempDir(), 'lock');
    const expected = PROCESSES * TRANSACTIONS;
    expect(outcome.errors).toEqual([]);
    expect(outcome.exitCodes).toEqual(Array(PROCESSES).fill(0));
    expect(outcome.ok).toBe(expected);
    expect(outcome.present.size).toBe(expected);
    for (let id = 0; id < PROCESSES; id++) {
      for (let i = 0; i < TRANSACTIONS; i++) expect(outcome.present.has(`w${id}.t${i}`)).toBe(true);
    }
    // The counter is read-modify-written by every transaction: any lost update shows here too.
    expect(outcome.counter).toBe(BigInt(expected));
    expect(tempFiles(outcome.dir)).toEqual([]);
    expect(existsSync(join(outcome.dir, 'registry.toml.lock'))).toBe(false);
    console.info(
      `[lost-updates] locked: ${expected}/${expected} kept in ${Math.round(performance.now() - started)} ms`,
    );
  });

  it('control: with the lock switched off (unsafeNoLock) updates are lost', async () => {
    const outcome = await race(tempDir(), 'nolock');
    // Without the lock, writers overwrite each other: transactions that reported success are
    // missing from the file.
    expect(outcome.errors).toEqual([]);
    const lost = outcome.ok - outcome.present.size;
    console.info(
      `[lost-updates] control without lock: ${outcome.ok} reported success, ${outcome.present.size} kept, ${lost} lost, ${outcome.errors.length} failed, counter ${outcome.counter}`,
    );
    expect(lost).toBeGreaterThan(0);
    expect(outcome.counter).toBeLessThan(BigInt(outcome.ok));
  });
});
