// CPU time (user + system, bench/cpu-time.cjs) of the start-up commands, this build beside an
// earlier one (PM_BENCH_BEFORE=<its cli.js>), interleaved, medians. On a shared, loaded machine
// CPU time moves far less than wall time, so a few percent between two builds stay visible.
// `node bench/startup-cpu.mjs` (N=rounds, default 15).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const CPU = fileURLToPath(new URL('./cpu-time.cjs', import.meta.url));

export function runStartupCpuBench({ runs = 15, before = process.env.PM_BENCH_BEFORE } = {}) {
  const builds = { now: CLI, ...(before ? { before } : {}) };
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-cpu-'));
  const env = { ...process.env, PM_CACHE_DIR: join(dir, 'cache') };
  mkdirSync(env.PM_CACHE_DIR, { mode: 0o700 });
  const registry = join(dir, 'registry.toml');
  const cpuMs = (argv) => {
    const result = spawnSync(process.execPath, ['--require', CPU, ...argv], {
      env,
      encoding: 'utf8',
    });
    const match = /CPU_US=(\d+)/.exec(result.stderr);
    if (result.status !== 0 || !match) throw new Error(`${argv.join(' ')}: ${result.stderr}`);
    return Number(match[1]) / 1000;
  };
  try {
    cpuMs([CLI, '--registry', registry, 'config', '--range', '23000-23999']);
    for (let i = 0; i < 20; i++)
      cpuMs([CLI, '--registry', registry, 'allocate', `proj${i % 5}`, `svc${i}`]);
    cpuMs([CLI, '--registry', registry, 'allocate', 'shop', 'web']);
    const commands = [
      ['query', 'shop', 'web'],
      ['allocate', 'shop', 'web'],
      ['--once'],
      ['env', 'shop'],
    ];
    const samples = new Map();
    const add = (name, value) => samples.set(name, [...(samples.get(name) ?? []), value]);
    for (let round = -2; round < runs; round++) {
      const zero = cpuMs(['-e', '0']);
      if (round >= 0) add('node -e 0', zero);
      for (const command of commands) {
        for (const [build, file] of Object.entries(builds)) {
          const value = cpuMs([file, '--registry', registry, ...command]);
          if (round >= 0) add(`pm ${command.join(' ')} (${build})`, value);
        }
      }
    }
    console.log(
      `\nStart-up CPU time (user + system), Node ${process.version}, median of ${runs} interleaved runs`,
    );
    const base = median(samples.get('node -e 0'));
    for (const [name, values] of samples) {
      const value = median(values);
      console.log(
        `  ${name.padEnd(36)} ${value.toFixed(1).padStart(6)} ms  ${(value / base).toFixed(2)} x`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  runStartupCpuBench({ runs: Number(process.env.N ?? 15) });
