// CPU that `pm run` spends watching for drift while its server runs: utime + stime of the pm
// process (not its child) from /proc/<pid>/stat over a fixed window, after a warm-up.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TICKS = 100; // USER_HZ on Linux

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runWatchBench({ seconds = 20 } = {}) {
  if (process.platform !== 'linux') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-run-'));
  const registry = join(dir, 'registry.toml');
  spawnSync(process.execPath, [CLI, '--registry', registry, 'config', '--range', '23500-23599']);
  const server =
    "require('node:http').createServer((q, s) => s.end()).listen(Number(process.env.PORT), () => console.log('up'))";
  const pm = spawn(
    process.execPath,
    [CLI, '--registry', registry, 'run', 'bench', 'web', '--', process.execPath, '-e', server],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise((resolve) => pm.stdout.once('data', resolve));
    await sleep(3000); // warm-up: baseline scan and the first watch rounds
    const before = cpuTicks(pm.pid);
    await sleep(seconds * 1000);
    const used = (cpuTicks(pm.pid) - before) / TICKS;
    const percent = (100 * used) / seconds;
    console.log(`\npm run drift watch (server on its own port, watch every 1.5 s)`);
    console.log(
      `  CPU of the pm process over ${seconds} s  ${percent.toFixed(2).padStart(6)} % of one core  (target <= 1 %${percent <= 1 ? ', met' : ', MISSED'})`,
    );
    return percent;
  } finally {
    pm.kill('SIGTERM');
    await new Promise((resolve) => pm.once('close', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runWatchBench();
