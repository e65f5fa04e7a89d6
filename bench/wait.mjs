// `pm wait`: the start-up of a wait that answers at once (the service already listens) beside
// `pm query`'s, and the CPU a long wait costs (process CPU time over the waiting window:
// a wait with a timeout of S seconds minus one of 0 s, medians of a few runs each).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printRows, timeCommands } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const CPU = fileURLToPath(new URL('./cpu-time.cjs', import.meta.url));

function listen(port = 0) {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve({ server, port: server.address().port })),
  );
}

/** CPU microseconds of `pm wait :PORT --timeout S` on a port nobody listens on. */
function waitCpu(registry, port, seconds) {
  const result = spawnSync(
    process.execPath,
    [
      '--require',
      CPU,
      CLI,
      '--registry',
      registry,
      'wait',
      `:${port}`,
      '--timeout',
      String(seconds),
    ],
    { encoding: 'utf8' },
  );
  const match = /CPU_US=(\d+)/.exec(result.stderr);
  if (result.status !== 1 || !match) throw new Error(`pm wait: ${result.status} ${result.stderr}`);
  return Number(match[1]);
}

export async function runWaitBench({ runs = 30, seconds = 5, cpuRuns = 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-wait-'));
  const registry = join(dir, 'registry.toml');
  const pm = (...args) => [process.execPath, CLI, '--registry', registry, ...args];
  const { server, port } = await listen();
  try {
    spawnSync(
      pm('allocate', 'shop', 'web', '--port', String(port), '--force')[0],
      pm('allocate', 'shop', 'web', '--port', String(port), '--force').slice(1),
    );
    // The listener lives in this process: spawnSync would block its accept loop, but the
    // kernel completes the handshake from the backlog, which is all a connect needs.
    const rows = timeCommands(
      [
        { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
        { name: 'pm query shop web', argv: pm('query', 'shop', 'web') },
        { name: 'pm wait shop web (listening)', argv: pm('wait', 'shop', 'web') },
      ],
      { runs },
    );
    printRows(`pm wait start-up, median of ${runs} interleaved runs`, rows, 'node -e 0');
    const query = rows.find((row) => row.name.startsWith('pm query')).median;
    const wait = rows.find((row) => row.name.startsWith('pm wait')).median;
    const ratio = wait / query;
    console.log(
      `  pm wait / pm query                           ${ratio.toFixed(2).padStart(6)} x  (target <= 1.5 x${ratio <= 1.5 ? ', met' : ', MISSED'})`,
    );
    server.close();
    const idle = (await listen()).server;
    const freePort = idle.address().port;
    await new Promise((resolve) => idle.close(resolve));
    const samples = [];
    for (let i = 0; i < cpuRuns; i++) {
      const base = waitCpu(registry, freePort, 0);
      const long = waitCpu(registry, freePort, seconds);
      samples.push((long - base) / (seconds * 1e6));
    }
    const percent = 100 * median(samples);
    console.log(
      `\npm wait on a port nobody listens on, ${seconds} s (CPU of a ${seconds} s wait minus a 0 s one)`,
    );
    console.log(
      `  CPU while waiting                        ${percent.toFixed(2).padStart(6)} % of one core  (target <= 1 %${percent <= 1 ? ', met' : ', MISSED'})`,
    );
    return { rows, ratio, percent };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runWaitBench();
