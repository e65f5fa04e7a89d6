// What the programmatic API costs the tool that imports it (a vite.config.ts, a server's
// entry): the `import` of the package entry, its `require()` from CommonJS, and a whole
// `await port('shop', 'web')` for a service that already has its port, each against a bare
// `node -e 0` in the same interleaved run. Target (issue 17): import <= 30 ms above node -e 0.
// Wall time and CPU time (user + system) are both reported: on a loaded machine the wall time
// of every command stretches alike, while the CPU time shows what the import itself adds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const ENTRY = fileURLToPath(new URL('../dist/api/index.js', import.meta.url));
const CPU = fileURLToPath(new URL('./cpu-time.cjs', import.meta.url));
const TARGET_MS = 30;

function measure(commands, { runs, warmup = 2, env }) {
  const samples = commands.map(() => ({ wall: [], cpu: [] }));
  for (let round = -warmup; round < runs; round++) {
    for (const [index, command] of commands.entries()) {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, ['--require', CPU, ...command.args], {
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
        env,
      });
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = /CPU_US=(\d+)/.exec(result.stderr);
      if (result.status !== 0 || !cpu) {
        throw new Error(`${command.name} exited ${result.status}: ${result.stderr}`);
      }
      if (round >= 0) {
        samples[index].wall.push(wall);
        samples[index].cpu.push(Number(cpu[1]) / 1000);
      }
    }
  }
  return commands.map((command, index) => ({
    name: command.name,
    wall: median(samples[index].wall),
    cpu: median(samples[index].cpu),
  }));
}

export function runImportBench({ runs = 30 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-'));
  const env = { ...process.env, PM_REGISTRY: join(dir, 'registry.toml') };
  const portCall = `const { port } = await import(${JSON.stringify(ENTRY)}); await port('shop', 'web');`;
  try {
    const esm = (code) => ['--input-type=module', '-e', code];
    const first = spawnSync(process.execPath, esm(portCall), { env, encoding: 'utf8' });
    if (first.status !== 0) throw new Error(`port() failed: ${first.stderr}`);
    const rows = measure(
      [
        { name: 'node -e 0', args: ['-e', '0'] },
        { name: 'import (ESM)', args: esm(`await import(${JSON.stringify(ENTRY)})`) },
        { name: 'require() (CommonJS)', args: ['-e', `require(${JSON.stringify(ENTRY)})`] },
        { name: "import + await port('shop', 'web') (existing)", args: esm(portCall) },
      ],
      { runs, env },
    );
    const [base] = rows;
    console.log(`\nAPI entry cost (dist/api/index.js), median of ${runs} interleaved runs`);
    console.log(
      `  ${''.padEnd(48)} ${'wall'.padStart(9)} ${'+wall'.padStart(8)} ${'cpu'.padStart(9)} ${'+cpu'.padStart(8)}`,
    );
    for (const row of rows) {
      const plus = (value) => (row === base ? '' : `+${value.toFixed(1)}`).padStart(8);
      const goal =
        row.name === 'import (ESM)'
          ? `  (target <= +${TARGET_MS} ms: ${row.wall - base.wall <= TARGET_MS ? 'met' : 'MISSED'} on wall, ${row.cpu - base.cpu <= TARGET_MS ? 'met' : 'MISSED'} on cpu)`
          : '';
      console.log(
        `  ${row.name.padEnd(48)} ${row.wall.toFixed(1).padStart(6)} ms ${plus(row.wall - base.wall)} ${row.cpu.toFixed(1).padStart(6)} ms ${plus(row.cpu - base.cpu)}${goal}`,
      );
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runImportBench();
