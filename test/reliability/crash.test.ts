// Must hold: a writer killed with SIGKILL at any moment leaves a registry that parses and holds
// either the previous or the new content, never a torn mix; its temp files are swept by the
// next command that takes the lock.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { emptyRegistry, type Project, type Registry } from '../../src/core/model/registry.js';
import { parseRegistry, serializeRegistry } from '../../src/core/store/registry-file.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, runPm, tempFiles, Worker, worker } from './harness.js';

const ROUNDS = 20;
const ENTRIES = 500; // about 30 KB of TOML, 10x a big real registry
const CHUNK = 1024; // the writer's slowed disk: at most 1 KB per write, then datasync

function bigRegistry(): Registry {
  const projects = new Map<string, Project>();
  for (let i = 0; i < ENTRIES; i++) {
    projects.set(`p${i}`, { ports: new Map([['web', 10000 + i]]), extra: { gen: 0n } });
  }
  return { ...emptyRegistry(), projects, extra: { gen: 0n } };
}

/** Parses the file and checks every stamp agrees: one generation, all entries present. */
function generationOf(path: string): bigint {
  const registry = parseRegistry(readFileSync(path, 'utf8'), path);
  const generation = registry.extra.gen as bigint;
  expect(registry.projects.size).toBe(ENTRIES);
  for (const project of registry.projects.values()) {
    if (project.extra.gen !== generation) {
      throw new Error(
        `torn registry: header generation ${generation}, an entry has ${project.extra.gen}`,
      );
    }
  }
  return generation;
}

describe('SIGKILL during writes', () => {
  const tempDir = tempDirPerTest('pm-crash-');
  beforeAll(requireBuild);

  it(`leaves old-or-new content in ${ROUNDS} rounds, and the next command sweeps temp files`, async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    const lock = `${path}.lock`;
    writeFileSync(path, serializeRegistry(bigRegistry()));
    const env = cleanEnv(dir, { PM_LOCK_STALE_MS: '2000' });

    let generation = 0n; // on disk after the last round
    let leftover: string[] = []; // temp files from earlier kills, not yet swept
    let killsMidWrite = 0;
    let sweptChecks = 0;
    let commits = 0;
    const started: Worker[] = [];
    const start = () => {
      const writer = new Worker(worker('crash-writer.mjs'), [path, String(CHUNK)], env);
      started.push(writer);
      return writer;
    };
    let writer = start();
    onTestFinished(async () => {
      await Promise.all(started.map((w) => w.kill()));
    });
    for (let round = 0; round < ROUNDS; round++) {
      await writer.waitForLine(/^ready$/);
      writer.send('go\n');
      // The next writer loads (node start-up, warm-up) while this one runs.
      const next = round + 1 < ROUNDS ? start() : undefined;
      // Once it has committed (and so swept what earlier kills left), a random moment: while it
      // reads, parses, serialises, writes, fsyncs, renames or writes the backup.
      await writer.waitForLine(/^committed /);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
      const exit = await writer.kill('SIGKILL');
      expect(exit.signal, writer.stderr).toBe('SIGKILL');

      const committed = writer.lines
        .filter((line) => line.startsWith('committed '))
        .map((line) => BigInt(line.slice('committed '.length)));
      commits += committed.length;
      const last = committed[committed.length - 1]!;
      const onDisk = generationOf(path);
      // Old or new: the last generation it reported, or the one it was writing when killed.
      expect([last, last + 1n]).toContain(onDisk);
      if (existsSync(`${path}.bak`)) {
        const backup = generationOf(`${path}.bak`);
        expect(backup).toBeLessThanOrEqual(onDisk);
      }

      // This writer committed, under the lock, after the previous kill: the temp files that
      // kill left behind are gone (the store sweeps them on every change).
      for (const name of leftover) expect(existsSync(join(dir, name))).toBe(false);
      if (leftover.length > 0) sweptChecks++;
      leftover = tempFiles(dir);
      if (leftover.length > 0) killsMidWrite++;
      expect(onDisk).toBeGreaterThan(generation);
      generation = onDisk;
      // The dead writer's lock would be taken over after PM_LOCK_STALE_MS (the stale-lock test
      // proves that); here it is removed so 20 rounds take seconds, not a minute.
      rmSync(lock, { recursive: true, force: true });
      if (next) writer = next;
    }

    console.info(
      `[crash] ${ROUNDS} SIGKILLs, ${killsMidWrite} landed while a temp file existed, ${commits} commits, final generation ${generation}, ${sweptChecks} sweeps seen between rounds`,
    );
    // The slowed disk makes the write window wide; if no kill ever lands in it, the test
    // proved nothing about torn writes.
    expect(killsMidWrite).toBeGreaterThan(0);

    // The next command (any change through the CLI) sweeps what the last kill left behind.
    const next = await runPm(['--registry', path, 'free', 'p0', 'web'], env);
    expect(next.code, next.stderr).toBe(0);
    expect(tempFiles(dir)).toEqual([]);
    const after = parseRegistry(readFileSync(path, 'utf8'), path);
    expect(after.projects.get('p0')?.ports.has('web')).toBe(false);
    expect(after.projects.get('p1')?.ports.get('web')).toBe(10001);
  }, 90_000);
});
