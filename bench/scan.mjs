// Scan benchmark: pm's socket scanner against `ss -ltnp` (and lsof) on a loaded machine.
//
// Load fixture: LISTENERS TCP listeners and CONNECTIONS established loopback connections,
// spread over a few child processes (loopback only, fds bounded per child). Every figure
// is the median of RUNS runs, measured side by side in one run:
//   pm status --all --json   the built CLI, wall time: cold (an empty owner cache, as on the
//                            first run ever) and after an earlier pm run (owners remembered
//                            in the cache file); includes Node start-up (see `node -e 0`)
//   pm query :PORT           the built CLI for one fixture port after an earlier pm run,
//                            against `lsof -i :PORT`
//   pm cold (in-process)     a new scanner's first scan with an empty owner cache: reads
//                            /proc/<pid>/fd links until every listener is attributed (all of
//                            them if one owner is hidden)
//   pm warm                  a later scan of the same scanner (the dashboard's 1 s refresh)
//   pm warm, /proc/net       the same with PM_SCANNER=procfs (the fallback)
//   /proc/net/tcp{,6} text   reading and splitting the text tables in JS, no attribution
//   ss -ltnp, lsof           wall time of the tools, spawned the same way as pm
// Targets (docs/benchmarks.md): status after an earlier run <= 1.3 x ss, query <= 0.65 x
// lsof -i :PORT, in-process cold <= 1 x ss, warm <= 0.1 x ss.
//
// Run: `npm run bench` or, after a build, `node bench/scan.mjs`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createScanner } from '../dist/api/internal.js';
import { median } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const DEFAULTS = { listeners: 1000, connections: 5000, runs: 11, children: 4 };

/**
 * Builds the load, measures every row and tears the load down again (also on error).
 * Returns rows { name, medianMs, ratio, base, target, pass } and prints a table unless quiet.
 */
export async function runScanBench(options = {}) {
  const settings = { ...DEFAULTS, ...options };
  const log = settings.quiet ? () => {} : (line) => console.log(line);
  if (process.platform !== 'linux') {
    log('scan bench: skipped, it compares with ss(8) and needs Linux');
    return [];
  }
  const load = await startLoad(settings);
  try {
    log(
      `scan bench: ${load.listeners} TCP listeners + ${load.connections} established loopback connections in ${load.pids.length} processes; median of ${settings.runs} runs`,
    );
    const rows = await measure(settings.runs, load);
    log(formatTable(rows));
    return rows;
  } finally {
    await load.stop();
  }
}

async function measure(runs, load) {
  const hasLsof = commandExists('lsof');
  const ss = () => wall('ss', ['-ltnp']);
  // A private registry, and owner caches in a scratch directory: one shared by the runs
  // "after an earlier pm run", and a new empty one for every cold run.
  const scratch = mkdtempSync(join(tmpdir(), 'pm-bench-scan-'));
  const savedCacheDir = process.env.PM_CACHE_DIR;
  let coldCaches = 0;
  const emptyCache = () => join(scratch, `cold-${coldCaches++}`);
  const warmCache = join(scratch, 'warm');
  const pm = (cacheDir, ...args) =>
    wall(process.execPath, [CLI, ...args], {
      PM_REGISTRY: join(scratch, 'registry.toml'),
      PM_CACHE_DIR: cacheDir,
    });
  try {
    // Sanity: the scanner must see the load, or the figures mean nothing.
    process.env.PM_CACHE_DIR = emptyCache();
    const check = await createScanner().scan();
    if (!check.ok) throw new Error(`pm scan failed: ${check.reason}`);
    const fixture = check.listeners.filter((l) => load.pids.includes(l.pid));
    if (fixture.length !== load.listeners) {
      throw new Error(`pm attributed ${fixture.length} of the ${load.listeners} fixture listeners`);
    }
    const port = String(fixture[Math.floor(fixture.length / 2)].port);

    const samples = {
      nodeBaseline: [],
      statusCold: [],
      statusAfterRun: [],
      query: [],
      lsofPort: [],
      coldInProcess: [],
      warm: [],
      warmProcfs: [],
      procText: [],
      ss: [],
      lsof: [],
    };
    const warmScanner = createScanner();
    await warmScanner.scan();
    const procfsScanner = createScanner({ mode: 'procfs' });
    await procfsScanner.scan();
    // The earlier pm run that fills the shared cache.
    pm(warmCache, 'status', '--all', '--json');

    // Interleave the kinds run by run so drift in machine load hits them all alike.
    for (let run = 0; run < runs; run++) {
      samples.ss.push(ss());
      samples.nodeBaseline.push(wall(process.execPath, ['-e', '0']));
      samples.statusCold.push(pm(emptyCache(), 'status', '--all', '--json'));
      samples.statusAfterRun.push(pm(warmCache, 'status', '--all', '--json'));
      samples.query.push(pm(warmCache, 'query', `:${port}`));
      if (hasLsof) {
        samples.lsofPort.push(wall('lsof', ['-i', `:${port}`]));
        samples.lsof.push(wall('lsof', ['-iTCP', '-sTCP:LISTEN', '-P', '-n']));
      }
      process.env.PM_CACHE_DIR = emptyCache();
      samples.coldInProcess.push(await timed(() => createScanner().scan()));
      samples.warm.push(await timed(() => warmScanner.scan()));
      samples.warmProcfs.push(await timed(() => procfsScanner.scan()));
      samples.procText.push(await timed(async () => readProcNetText()));
    }
    warmScanner.dispose?.();
    procfsScanner.dispose?.();

    const bases = { ss: median(samples.ss), lsof: hasLsof ? median(samples.lsofPort) : Number.NaN };
    const row = (name, values, target, base = 'ss') => {
      const medianMs = median(values);
      const ratio = medianMs / bases[base];
      return {
        name,
        medianMs,
        ratio,
        base,
        target,
        pass: target === undefined ? undefined : ratio <= target,
      };
    };
    const rows = [
      row('ss -ltnp (wall)', samples.ss),
      row('node -e 0 (wall, for reference)', samples.nodeBaseline),
      row('pm status --all --json, cold (empty cache)', samples.statusCold),
      row('pm status --all --json, after a pm run', samples.statusAfterRun, 1.3),
      row('pm scan cold, in-process (new scanner)', samples.coldInProcess, 1),
      row('pm scan warm (same scanner)', samples.warm, 0.1),
      row('pm scan warm, /proc/net fallback', samples.warmProcfs),
      row('read + split /proc/net/tcp{,6} (JS)', samples.procText),
    ];
    if (hasLsof) {
      rows.push(row('lsof -iTCP -sTCP:LISTEN -P -n (wall)', samples.lsof));
      rows.push(row(`lsof -i :PORT (wall)`, samples.lsofPort, undefined, 'lsof'));
      rows.push(row(`pm query :PORT, after a pm run`, samples.query, 0.65, 'lsof'));
    } else {
      rows.push(row('pm query :PORT, after a pm run (no lsof here)', samples.query));
    }
    return rows;
  } finally {
    if (savedCacheDir === undefined) delete process.env.PM_CACHE_DIR;
    else process.env.PM_CACHE_DIR = savedCacheDir;
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** What a naive /proc/net reader does: read both TCP tables, keep LISTEN rows. */
function readProcNetText() {
  let listening = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'latin1').split('\n')) {
      if (line.trim().split(/\s+/)[3] === '0A') listening++;
    }
  }
  return listening;
}

function formatTable(rows) {
  const header = ['', 'median ms', 'ratio', 'target'];
  const body = rows.map((r) => [
    r.name,
    r.medianMs.toFixed(2),
    `${r.ratio.toFixed(3)} x ${r.base === 'ss' ? 'ss -ltnp' : 'lsof -i :PORT'}`,
    r.target === undefined ? '' : `<= ${r.target} ${r.pass ? 'ok' : 'MISSED'}`,
  ]);
  const widths = header.map((_, i) =>
    Math.max(...[header, ...body].map((cells) => cells[i].length)),
  );
  const line = (cells) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

function wall(command, args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return elapsed;
}

async function timed(action) {
  const start = process.hrtime.bigint();
  const outcome = await action();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (outcome && outcome.ok === false) throw new Error(`scan failed: ${outcome.reason}`);
  return elapsed;
}

function commandExists(command) {
  return !spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status;
}

// --- load fixture -------------------------------------------------------------------------

// Each child opens its share of listeners on 127.0.0.1, connects its share of clients to
// them round-robin, waits until both ends of every connection exist, and reports. It exits
// when its stdin closes, so the load dies with the benchmark even if that is killed.
const CHILD_SCRIPT = `
const net = require('node:net');
const listeners = Number(process.env.PM_BENCH_LISTENERS);
const connections = Number(process.env.PM_BENCH_CONNECTIONS);
process.stdin.on('end', () => process.exit(0));
process.stdin.on('data', () => {});
const servers = [];
const sockets = [];
let accepted = 0;
let connected = 0;
function ready() {
  if (accepted === connections && connected === connections) {
    console.log(JSON.stringify({ pid: process.pid }));
  }
}
async function main() {
  for (let i = 0; i < listeners; i++) {
    const server = net.createServer((socket) => { sockets.push(socket); accepted++; ready(); });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, backlog: 511 }, resolve);
    });
    servers.push(server);
  }
  // A bounded number of connects in flight keeps the accept queues from overflowing.
  let next = 0;
  const wave = async () => {
    while (next < connections) {
      const server = servers[next++ % servers.length];
      await new Promise((resolve, reject) => {
        const socket = net.connect(server.address().port, '127.0.0.1', () => { connected++; resolve(); });
        socket.once('error', reject);
        sockets.push(socket);
      });
    }
  };
  await Promise.all(Array.from({ length: 64 }, wave));
  ready();
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

async function startLoad({ listeners, connections, children }) {
  const fdLimit = softFdLimit();
  // Each connection holds two fds in its child (client and accepted end).
  const perChildFds = Math.ceil((listeners + 2 * connections) / children) + 64;
  const raise = perChildFds > fdLimit;
  const processes = [];
  const stop = async () => {
    await Promise.all(
      processes.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGKILL');
          }),
      ),
    );
  };
  const onExit = () => {
    for (const child of processes) child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  try {
    const reports = [];
    for (let i = 0; i < children; i++) {
      const share = (total) => Math.floor(total / children) + (i < total % children ? 1 : 0);
      const env = {
        ...process.env,
        PM_BENCH_LISTENERS: String(share(listeners)),
        PM_BENCH_CONNECTIONS: String(share(connections)),
      };
      const child = raise
        ? spawn(
            'sh',
            ['-c', `ulimit -n ${perChildFds} && exec "$0" -e "$1"`, process.execPath, CHILD_SCRIPT],
            { env, stdio: ['pipe', 'pipe', 'inherit'] },
          )
        : spawn(process.execPath, ['-e', CHILD_SCRIPT], {
            env,
            stdio: ['pipe', 'pipe', 'inherit'],
          });
      processes.push(child);
      reports.push(firstJsonLine(child));
    }
    const pids = (await Promise.all(reports)).map((report) => report.pid);
    return {
      listeners,
      connections,
      pids,
      stop: async () => {
        process.removeListener('exit', onExit);
        await stop();
      },
    };
  } catch (error) {
    process.removeListener('exit', onExit);
    await stop();
    throw error;
  }
}

function softFdLimit() {
  const result = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const limit = Number(result.stdout.trim());
  return Number.isFinite(limit) ? limit : 1024;
}

function firstJsonLine(child) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('load fixture did not start in 60 s')), 60_000);
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      resolve(JSON.parse(buffered.slice(0, newline)));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`load fixture process exited (${code ?? signal})`));
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  await runScanBench();
}
