// Containers: what asking the engine costs. `pm status --all` with 10 containers publishing
// allocated ports (the engine asked, containers named) against the same with no engine
// reachable (DOCKER_HOST at a socket that does not exist: rows as before), interleaved,
// medians; and the dashboard's idle CPU with the engine present, beside dockerd's own.
// Needs a running engine and the docker CLI (skipped otherwise); the image is made offline
// from busybox-static, and every container it starts is removed at the end.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDashboardBench } from './dashboard.mjs';
import { printRows, timeCommands } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const IMAGE = 'pm-test-busybox';
const docker = (...args) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function skipReason() {
  try {
    docker('info', '--format', '{{.ServerVersion}}');
  } catch (error) {
    return `no docker engine reachable (${String(error.message).split('\n')[0]})`;
  }
  return existsSync('/bin/busybox') ? undefined : '/bin/busybox (busybox-static) is missing';
}

function ensureImage(dir) {
  try {
    docker('image', 'inspect', IMAGE);
    return;
  } catch {
    // made below
  }
  const root = join(dir, 'image');
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
  execFileSync('sh', ['-c', `tar -C "$1" -c . | docker import - ${IMAGE}`, 'sh', root]);
}

export async function runContainersBench({ containers = 10, runs = 15, dashboard = true } = {}) {
  const reason = skipReason();
  if (reason !== undefined) {
    console.log(`\nContainers: skipped: ${reason}`);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-containers-'));
  const registry = join(dir, 'registry.toml');
  const suffix = randomBytes(3).toString('hex');
  const names = [];
  const pm = (...args) =>
    execFileSync(process.execPath, [CLI, ...args, '--registry', registry], { encoding: 'utf8' });
  try {
    ensureImage(dir);
    const ports = pm('suggest', '--count', String(containers)).trim().split('\n').map(Number);
    for (const [index, port] of ports.entries()) {
      const name = `pm-bench-${suffix}-${index}`;
      names.push(name);
      docker(
        'run',
        '-d',
        '--name',
        name,
        '-p',
        `127.0.0.1:${port}:80`,
        IMAGE,
        '/bin/busybox',
        'httpd',
        '-f',
        '-p',
        '80',
        '-h',
        '/',
      );
      pm('allocate', 'stack', `svc${index}`, '--port', String(port), '--force');
    }
    const shown = pm('status', '--all');
    const named = shown.split('\n').filter((line) => line.includes(`container pm-bench-${suffix}`));
    if (named.length !== containers)
      throw new Error(`expected ${containers} containers named:\n${shown}`);
    const status = [process.execPath, CLI, 'status', '--all', '--registry', registry];
    const rows = timeCommands(
      [
        { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
        {
          name: 'pm status --all, no engine reachable',
          argv: status,
          env: { DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}` },
        },
        { name: `pm status --all, ${containers} containers named`, argv: status },
      ],
      { runs },
    );
    printRows(
      `Containers: pm status --all with ${containers} published containers (median of ${runs}, interleaved)`,
      rows,
      'pm status --all, no engine reachable',
    );
    const [, without, withEngine] = rows;
    const extra = withEngine.median - without.median;
    console.log(`  the engine's listing adds ${extra.toFixed(1)} ms`);
    let idle;
    if (dashboard) {
      const noEngine = { DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}` };
      const without = await runDashboardBench({ ports, rounds: 1, quiet: true, env: noEngine });
      idle = await runDashboardBench({ ports, rounds: 1, quiet: true });
      const engineShare = (result) =>
        result.engineCpuPercent !== undefined
          ? `; dockerd meanwhile ${result.engineCpuPercent.toFixed(2)} %`
          : '';
      console.log(
        `  dashboard idle CPU, 50 allocations (${containers} of them containers), 1 s refresh: ${idle.cpuPercent.toFixed(2)} % of one core (target <= 1 %${idle.cpuPercent <= 1 ? ', met' : ', MISSED'})${engineShare(idle)}`,
      );
      console.log(
        `  the same with no engine reachable (measured just before):              ${without.cpuPercent.toFixed(2)} %${engineShare(without)}`,
      );
    }
    return { rows, extraMs: extra, idle };
  } finally {
    if (names.length > 0) {
      try {
        docker('rm', '-f', ...names);
      } catch {
        // the engine went away: nothing left to remove
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
