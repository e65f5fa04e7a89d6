// Project inference (README, "Projects, manifests and worktrees"): the cost a command pays for leaving <project> out, and
// `pm up` with 10 services against a bare `node -e 0`. Inference is measured in-process
// (median of many calls) and as the difference between two CLI runs in the same round.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printRows, timeCommands } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const API = new URL('../dist/api/internal.js', import.meta.url).href;

function git(cwd, ...args) {
  execFileSync(
    'git',
    ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args],
    {
      cwd,
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
      stdio: 'ignore',
    },
  );
}

export async function runProjectsBench({ runs = 30 } = {}) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'pm-bench-projects-')));
  try {
    const registry = join(dir, 'registry.toml');
    const repo = join(dir, 'src', 'shop');
    mkdirSync(repo, { recursive: true });
    const services = Array.from({ length: 10 }, (_, i) => `[services.svc${i}]\n`).join('');
    writeFileSync(join(repo, '.pm.toml'), `project = "shop"\n${services}`);
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'init');
    const worktree = join(dir, 'src', 'shop-feat');
    git(repo, 'worktree', 'add', '-q', '-b', 'feat', worktree);
    const deep = join(worktree, 'a', 'b', 'c', 'd', 'e');
    mkdirSync(deep, { recursive: true });
    const pm = (cwd, ...args) => ({
      argv: [process.execPath, CLI, '--registry', registry, ...args],
      cwd,
    });
    execFileSync(process.execPath, [
      CLI,
      '--registry',
      registry,
      'config',
      '--range',
      '23000-23999',
    ]);
    for (const cwd of [repo, worktree])
      execFileSync(process.execPath, [CLI, '--registry', registry, 'up'], { cwd, stdio: 'ignore' });

    // In a fresh process, as a command pays it. The named form reads the registry once; the
    // inferred form reads it, infers (cold: the first call compiles what a warm loop would
    // not), then reads it again inside the action. What inference adds: the cold inference
    // plus the second, warm read.
    // CPU time beside wall time: on a loaded machine the wall clock mostly measures waiting.
    const coldScript = `
      const { inferProject, RegistryStore, storeSystem } = await import(${JSON.stringify(API)});
      const store = new RegistryStore({ ...storeSystem(process.platform), path: ${JSON.stringify(registry)} });
      const { registry } = await store.read();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const found = inferProject(registry, ${JSON.stringify(deep)});
      await store.read();
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      if (found?.project !== 'shop-feat') throw new Error('inferred ' + found?.project);
      console.log(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000 }));`;
    const cold = [];
    for (let i = 0; i < 15; i++) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', coldScript], {
        encoding: 'utf8',
      });
      cold.push(JSON.parse(out));
    }
    // Warm, in this process: inference alone with the registry in memory.
    const { inferProject, RegistryStore, storeSystem } = await import(API);
    const { registry: loaded } = await new RegistryStore({
      ...storeSystem(process.platform),
      path: registry,
    }).read();
    const warm = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      inferProject(loaded, deep);
      warm.push(performance.now() - started);
    }
    console.log('\nProject inference (worktree, 5 levels below its root; target <= 5 ms)');
    console.log(
      `  added to a command (cold inference + 2nd registry read), median of 15 fresh processes: ${median(cold.map((c) => c.ms)).toFixed(2)} ms wall, ${median(cold.map((c) => c.cpuMs)).toFixed(2)} ms CPU`,
    );
    console.log(`  warm, inference alone: median ${median(warm).toFixed(3)} ms of 200`);

    const rows = timeCommands(
      [
        { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
        { name: 'pm up, 10 services (in place)', ...pm(deep, 'up'), target: 1.5 },
        { name: 'pm allocate shop-feat svc0', ...pm(deep, 'allocate', 'shop-feat', 'svc0') },
        { name: 'pm allocate svc0 (inferred)', ...pm(deep, 'allocate', 'svc0') },
      ],
      { runs },
    );
    printRows('pm up and inference, whole process', rows, 'node -e 0');
    const named = rows.find((row) => row.name.startsWith('pm allocate shop-feat')).median;
    const inferred = rows.find((row) => row.name.startsWith('pm allocate svc0')).median;
    // Under load a process start varies by more than 5 ms: read this beside the figures above.
    console.log(`  inferred - named: ${(inferred - named).toFixed(1)} ms (process noise included)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runProjectsBench();
