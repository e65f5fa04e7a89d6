// Start-up cost of the scripting paths and the snapshot, against a bare `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printRows, timeCommands } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const PEAK = fileURLToPath(new URL('./peak-rss.cjs', import.meta.url));

function peakRss(argv, runs) {
  const values = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ['--require', PEAK, ...argv], {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const match = /PEAK_RSS_KB=(\d+)/.exec(result.stderr);
    if (match) values.push(Number(match[1]));
  }
  return median(values);
}

/**
 * PM_BENCH_BEFORE=<another build's cli.js> adds its rows for the same commands, interleaved with
 * this build's in the same rounds: the side-by-side comparison with an earlier build.
 */
export function runStartupBench({ runs = 30, before = process.env.PM_BENCH_BEFORE } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-'));
  const registry = join(dir, 'registry.toml');
  // Both builds keep their caches in a private directory of this run (mkdtemp makes it 0700).
  const env = { ...process.env, PM_CACHE_DIR: join(dir, 'cache') };
  mkdirSync(env.PM_CACHE_DIR, { mode: 0o700 });
  try {
    const pm = (...args) => [process.execPath, CLI, '--registry', registry, ...args];
    const earlier = (...args) => [process.execPath, before, '--registry', registry, ...args];
    spawnSync(
      pm('config', '--range', '23000-23999')[0],
      pm('config', '--range', '23000-23999').slice(1),
    );
    for (let i = 0; i < 20; i++)
      spawnSync(process.execPath, [
        CLI,
        '--registry',
        registry,
        'allocate',
        `proj${i % 5}`,
        `svc${i}`,
      ]);
    spawnSync(process.execPath, [CLI, '--registry', registry, 'allocate', 'shop', 'web']);
    const rows = timeCommands(
      [
        { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
        { name: 'pm query shop web', argv: pm('query', 'shop', 'web'), target: 1.5 },
        {
          name: 'pm allocate shop web (existing)',
          argv: pm('allocate', 'shop', 'web'),
          target: 1.5,
        },
        { name: 'pm --once (21 allocations, live scan)', argv: pm('--once'), target: 1.8 },
        { name: 'pm env shop', argv: pm('env', 'shop'), target: 1.5 },
        // The child is a second `node -e 0`: 1.3 x for pm plus 1 x for the child. The row
        // before it is the floor for any launcher written in Node: node starting node.
        {
          name: 'node spawning node -e 0',
          argv: [
            process.execPath,
            '-e',
            "require('node:child_process').spawnSync(process.execPath, ['-e', '0'], { stdio: 'inherit' })",
          ],
        },
        {
          name: 'pm run shop web -- node -e 0',
          argv: pm('run', 'shop', 'web', '--', process.execPath, '-e', '0'),
          target: 2.3,
        },
        ...(before
          ? [
              { name: 'pm query shop web (before)', argv: earlier('query', 'shop', 'web') },
              { name: 'pm allocate shop web (before)', argv: earlier('allocate', 'shop', 'web') },
              { name: 'pm --once (before)', argv: earlier('--once') },
              { name: 'pm env shop (before)', argv: earlier('env', 'shop') },
            ]
          : []),
      ],
      { runs, env },
    );
    printRows(`Start-up wall time, median of ${runs} interleaved runs`, rows, 'node -e 0');
    // DESIGN §8 states pm run's target against node starting node, the floor for any
    // launcher written in Node (spawning is slow on some machines: that row is 2-2.5 x).
    const spawning = rows.find((row) => row.name === 'node spawning node -e 0');
    const run = rows.find((row) => row.name === 'pm run shop web -- node -e 0');
    if (spawning && run) {
      const ratio = run.median / spawning.median;
      console.log(
        `  pm run / node spawning node                  ${ratio.toFixed(2)} x  (target <= 1.3 x, ${ratio <= 1.3 ? 'met' : 'MISSED'})`,
      );
    }
    const memory = [
      { name: 'node -e 0', median: peakRss(['-e', '0'], 5), unit: 'KiB' },
      {
        name: 'pm --once',
        median: peakRss([CLI, '--registry', registry, '--once'], 5),
        unit: 'KiB',
        target: 1.5,
      },
    ];
    printRows('Peak memory (VmHWM), median of 5 runs', memory, 'node -e 0');
    return { rows, memory };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runStartupBench();
