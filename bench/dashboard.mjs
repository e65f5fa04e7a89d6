// The dashboard at rest: CPU used by the built `pm` dashboard in a real terminal (tmux) with
// 50 allocations and a 1 s refresh, read from /proc/<pid>/stat, and its time to first frame
// (median of `rounds`, interleaved with `pm --once` printing the same table, the yardstick),
// and to the first key answered (React and Ink loaded and listening).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A registry of `count` allocations spread over a few projects, as pm would write it. */
function registryText(count, firstPort = 20000, ports = []) {
  const lines = ['version = 1', '', '[defaults]', 'range_start = 3000', 'range_end = 9999'];
  const projects = 5;
  for (let project = 0; project < projects; project++) {
    lines.push('', `[projects.project${project}.ports]`);
    for (let service = project; service < count; service += projects) {
      const port = ports[service] ?? (service === 0 ? firstPort : 20000 + service);
      lines.push(`service${String(service).padStart(2, '0')} = ${port}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: count fields after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function childrenOf(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** dockerd's CPU ticks, read from /proc (never signalled), or undefined when none runs. */
function engineTicks() {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'dockerd') return cpuTicks(entry);
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

/** The node process running dist/cli.js under the pane's shell. */
function findDashboardPid(panePid) {
  const queue = [panePid];
  while (queue.length > 0) {
    const pid = queue.shift();
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(CLI)) return pid;
    } catch {
      // exited meanwhile
    }
    queue.push(...childrenOf(pid));
  }
  throw new Error(`no process running ${CLI} under pane pid ${panePid}`);
}

/** Milliseconds from starting `command` in a new tmux window until `ready(screen)` holds. */
async function firstScreen(tmux, name, height, command, ready, cacheDir, extraEnv = '') {
  const started = performance.now();
  // Ink draws nothing live when it believes it runs in CI; a user's terminal has no CI set.
  const env = `env -u CI -u CONTINUOUS_INTEGRATION -u NO_COLOR TERM=xterm-256color PM_CACHE_DIR=${cacheDir}${extraEnv}`;
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', String(height), `${env} ${command}`);
  await waitForScreen(tmux, name, ready, started);
  return performance.now() - started;
}

/** Milliseconds from now until `ready(screen)` holds in the pane. */
async function waitForScreen(tmux, name, ready, started = performance.now()) {
  const from = performance.now();
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', name);
    if (ready(screen)) return performance.now() - from;
    if (performance.now() - started > 15_000)
      throw new Error(`${name}: nothing on screen:\n${screen}`);
    await sleep(5);
  }
}

export async function runDashboardBench({
  allocations = 50,
  intervalMs = 1000,
  warmupMs = 3000,
  sampleMs = 20_000,
  rounds = 7,
  quiet = false,
  // Open the detail view of a row whose port a real process listens on, then measure: the
  // process is read once when the view opens, never on the refreshes after.
  detail = false,
  // Ports to allocate first (containers publish them: bench/containers.mjs), and variables
  // for the measured dashboard (DOCKER_HOST=... for a run without an engine).
  ports = [],
  env = {},
} = {}) {
  const extraEnv = Object.entries(env)
    .map(([name, value]) => ` ${name}=${value}`)
    .join('');
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-dashboard-'));
  const registry = join(dir, 'registry.toml');
  const listener = detail ? await holdPort() : undefined;
  writeFileSync(registry, registryText(allocations, listener?.port, ports));
  const socket = `pm-bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  // A tmux server per measurement (a new one on a just-killed socket may fail to start).
  const servers = [];
  const tmuxServer = (name) => {
    const server = (...args) =>
      execFileSync('tmux', ['-L', `${socket}-${name}`, '-f', '/dev/null', ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    servers.push(server);
    return server;
  };
  const clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  try {
    const height = allocations + 12;
    const last = `service${String(allocations - 1).padStart(2, '0')}`;
    const cacheDir = join(dir, 'cache');
    const dashboard = `${process.execPath} ${CLI} --registry ${registry} --interval ${intervalMs}`;
    const firstFrame = (screen) => screen.includes('refreshed') && screen.includes(last);
    const samples = { once: [], firstFrame: [], firstKey: [] };
    // An earlier pm run, as a user has had: the owner cache exists for both sides.
    execFileSync(process.execPath, [CLI, '--registry', registry, '--once'], {
      env: { ...process.env, PM_CACHE_DIR: cacheDir },
      stdio: 'ignore',
    });
    for (let round = 0; round < rounds; round++) {
      const onceTmux = tmuxServer(`once-${round}`);
      const tmux = tmuxServer(`dashboard-${round}`);
      // The same table printed once by `pm --once` in the same kind of pane: the yardstick.
      samples.once.push(
        await firstScreen(
          onceTmux,
          'once',
          height,
          `${process.execPath} ${CLI} --registry ${registry} --once; sleep 60`,
          (screen) => screen.includes(last),
          cacheDir,
        ),
      );
      // Each measurement starts its own tmux server, so both include the same start-up.
      onceTmux('kill-server');
      // First frame: the header, the refresh clock and the last allocation are on screen.
      const frameMs = await firstScreen(
        tmux,
        'bench',
        height,
        dashboard,
        firstFrame,
        cacheDir,
        extraEnv,
      );
      samples.firstFrame.push(frameMs);
      // First key answered: j moves the selection to the second row once Ink listens.
      tmux('send-keys', '-t', 'bench', 'j');
      samples.firstKey.push(
        frameMs +
          (await waitForScreen(tmux, 'bench', (screen) => /^› \S+\s+service05/m.test(screen))),
      );
      tmux('kill-server');
    }
    const onceMs = median(samples.once);
    const firstFrameMs = median(samples.firstFrame);
    const firstKeyMs = median(samples.firstKey);
    const tmux = tmuxServer('idle');
    await firstScreen(tmux, 'bench', height, dashboard, firstFrame, cacheDir, extraEnv);
    const pid = findDashboardPid(
      Number(tmux('list-panes', '-t', 'bench', '-F', '#{pane_pid}').trim()),
    );
    if (detail) {
      // project0/service00 is the first row: its detail view shows the listener's command.
      tmux('send-keys', '-t', 'bench', 'Enter');
      for (
        let tries = 0;
        !tmux('capture-pane', '-p', '-t', 'bench').includes('command ');
        tries++
      ) {
        if (tries > 1000) throw new Error('the detail view did not open');
        await sleep(5);
      }
    }
    await sleep(warmupMs);
    const engineBefore = engineTicks();
    const before = cpuTicks(pid);
    const sampleStart = performance.now();
    await sleep(sampleMs);
    const elapsed = (performance.now() - sampleStart) / 1000;
    const used = (cpuTicks(pid) - before) / clkTck;
    const engineUsed =
      engineBefore === undefined
        ? undefined
        : ((engineTicks() ?? engineBefore) - engineBefore) / clkTck;
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    const result = {
      allocations,
      intervalMs,
      sampleSeconds: Number(elapsed.toFixed(1)),
      cpuPercent: (used / elapsed) * 100,
      cpuSeconds: used,
      // dockerd's CPU over the same seconds, where one runs (it answers pm's listings).
      ...(engineUsed !== undefined ? { engineCpuPercent: (engineUsed / elapsed) * 100 } : {}),
      firstFrameMs,
      onceMs,
      firstFrameRatio: firstFrameMs / onceMs,
      firstKeyMs,
      rssKb,
    };
    if (!quiet) {
      console.log(
        `\nDashboard at rest (${allocations} allocations, --interval ${intervalMs}, tmux 120 columns${detail ? ', detail view open on a live listener' : ''})`,
      );
      console.log(
        `  idle CPU over ${result.sampleSeconds} s            ${result.cpuPercent.toFixed(2).padStart(6)} % of one core  (target <= 1 %${result.cpuPercent <= 1 ? ', met' : ', MISSED'})`,
      );
      const ratio = result.firstFrameRatio;
      console.log(
        `  time to first frame (incl. tmux start)  ${firstFrameMs.toFixed(0).padStart(6)} ms   = ${ratio.toFixed(2)} x pm --once the same way (${onceMs.toFixed(0)} ms; target <= 1.5 x${ratio <= 1.5 ? ', met' : ', MISSED'}); median of ${rounds}`,
      );
      console.log(
        `  time to the first key answered          ${firstKeyMs.toFixed(0).padStart(6)} ms   (React and Ink loaded and listening)`,
      );
      console.log(
        `  resident memory                         ${(rssKb / 1024).toFixed(1).padStart(6)} MiB`,
      );
    }
    return result;
  } finally {
    for (const server of servers) {
      try {
        server('kill-server');
      } catch {
        // already gone
      }
    }
    listener?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A node process of this bench's own holding a loopback port the OS picks. */
async function holdPort() {
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const s=require('node:net').createServer();s.listen({host:'127.0.0.1',port:0},()=>console.log(s.address().port))",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    child.once('exit', () => reject(new Error('the bench listener exited')));
  });
  return { child, port };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runDashboardBench();
  await runDashboardBench({ detail: true });
}
