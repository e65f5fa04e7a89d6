// Project inference (DESIGN §5a): the cost a command pays for leaving <project> out, and
// `pm up` with 10 services against a bare `node -e 0`. Inference is measured in-process
// (median of many calls) and as the difference between two CLI runs in the same round.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printRows, timeCommands } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const API = new URL('../dist/index.js', import.meta.url).href;

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

    // In-process: the registry is in memory, so this is manifest + git files + naming alone.
    const { inferProject, RegistryStore } = await import(API);
    const { registry: loaded } = await new RegistryStore({ path: registry }).read();
    const cold = performance.now();
    const found = inferProject(loaded, deep);
    const coldMs = performance.now() - cold;
    if (found?.project !== 'shop-feat') throw new Error(`inferred ${found?.project}`);
    const samples = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      inferProject(loaded, deep);
      samples.push(performance.now() - started);
    }
    console.log('\nProject inference, in process (worktree, 5 levels below its root)');
    console.log(
      `  first call ${coldMs.toFixed(3)} ms, median of 200 ${median(samples).toFixed(3)} ms (target <= 5 ms)`,
    );

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
    console.log(
      `  inference adds ${(inferred - named).toFixed(1)} ms per command (target <= 5 ms)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runProjectsBench();
