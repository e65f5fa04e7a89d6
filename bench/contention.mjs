// Contention: N `pm allocate crowd sN` processes started at once against one registry, beside
// the same N processes each allocating into a registry of its own (no contention: the cost of
// N node start-ups on this machine). Reports failures, duplicate ports and wall times; the
// ratio is what the lock adds.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printRows } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const RANGE = 'version = 1\n\n[defaults]\nrange_start = 44000\nrange_end = 44999\n';

function run(args, env) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

async function crowd(dir, count, shared) {
  const env = { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', PM_SCANNER: 'none' };
  const registry = (i) => join(dir, shared ? 'registry.toml' : `registry-${i}.toml`);
  for (let i = 0; i < (shared ? 1 : count); i++) writeFileSync(registry(i), RANGE);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      run(['allocate', 'crowd', `s${i}`, '--registry', registry(i)], env),
    ),
  );
  const wall = performance.now() - started;
  const failures = results.filter((result) => result.code !== 0);
  const ports = results.filter((result) => result.code === 0).map((result) => result.stdout.trim());
  const duplicates = shared ? ports.length - new Set(ports).size : 0;
  const stored = shared
    ? (readFileSync(registry(0), 'utf8').match(/^s\d+ = /gm) ?? []).length
    : count;
  return {
    wall,
    failures,
    duplicates,
    stored,
    slowest: Math.max(...results.map((r) => r.ms)),
    median: median(results.map((r) => r.ms)),
  };
}

export async function runContentionBench({ count = 200 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-contention-'));
  try {
    const alone = await crowd(join(dir), count, false);
    const shared = await crowd(join(dir), count, true);
    printRows(
      `Contention: ${count} concurrent pm allocate (wall time of the whole crowd)`,
      [
        { name: `${count} processes, a registry each`, median: alone.wall },
        { name: `${count} processes, one registry`, median: shared.wall },
      ],
      `${count} processes, a registry each`,
    );
    console.log(
      `  one registry: ${shared.failures.length} failures, ${shared.duplicates} duplicate ports, ${shared.stored}/${count} stored; per process median ${shared.median.toFixed(0)} ms, slowest ${shared.slowest.toFixed(0)} ms`,
    );
    for (const failure of shared.failures.slice(0, 3))
      console.log(`  failure: ${failure.stderr.trim()}`);
    return shared;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runContentionBench({ count: Number(process.argv[2] ?? 200) });
}
