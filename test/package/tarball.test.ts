// The package as users get it: `npm pack`, then an install of the tarball into a fresh project,
// then the bins, the ESM import, require() from CommonJS and the declarations, all used from
// that project. Offline: npm's cache here holds tarballs but not the metadata an install by
// version range needs, so the runtime dependencies (koffi and its platform package, the
// non-dev entries of package-lock.json) are copied from this repository's node_modules into
// the fresh project first; npm then installs the tarball and finds them already satisfied.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
};

/** npm as the running npm (`npm test`, `npx vitest`) names itself, else the one on PATH. */
function npm(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const cli = process.env.npm_execpath;
  const [file, prefix] =
    cli && /npm-cli\.c?js$/.test(cli) ? [process.execPath, [cli]] : ['npm', []];
  return run(file, [...prefix, ...args], {
    ...options,
    encoding: 'utf8',
    // npm.cmd on Windows runs only through a shell.
    shell: file === 'npm' && process.platform === 'win32',
  });
}

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly entryCount: number;
  readonly files: readonly PackedFile[];
}

// One pack and one install for the file (seconds); each test uses the installed project.
let dir = '';
let app = '';
let packed: PackResult;

function copyRuntimeDependencies(into: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Optional platform packages of other systems are in the lockfile but not on disk.
    if (path === '' || entry.dev || !existsSync(join(ROOT, path))) continue;
    cpSync(join(ROOT, path), join(into, path), { recursive: true });
  }
}

function node(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, args, {
    cwd: app,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
}

function bin(name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return node([join(app, 'node_modules', pkg.name, pkg.bin[name]!), ...args], env);
}

describe('the packed tarball, installed offline into a fresh project', () => {
  let registry = '';

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/api/types/index.d.ts'))) {
      throw new Error("dist is missing or stale: run 'npm run build' (npm test builds first)");
    }
    dir = mkdtempSync(join(tmpdir(), 'pm-pack-'));
    // npm's cache and logs go to the temp dir too: the test leaves nothing behind in ~/.npm.
    const npmEnv = {
      ...process.env,
      npm_config_cache: join(dir, 'npm-cache'),
      npm_config_logs_dir: join(dir, 'npm-logs'),
      npm_config_loglevel: 'error',
      npm_config_update_notifier: 'false',
    };
    const { stdout } = await npm(
      ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
      { cwd: ROOT, env: npmEnv },
    );
    packed = (JSON.parse(stdout) as PackResult[])[0]!;
    app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
    copyRuntimeDependencies(app);
    await npm(
      [
        'install',
        '--offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        join(dir, packed.filename),
      ],
      { cwd: app, env: npmEnv },
    );
    registry = join(dir, 'registry.toml');
  }, 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the bundle, the declarations and the notices, and nothing of the repository', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/cli.js',
        'dist/api/index.js',
        'dist/api/types/index.d.ts',
        'dist/THIRD-PARTY-NOTICES.txt',
      ]),
    );
    const unwanted = paths.filter((path) =>
      /^(src|test|bench|scripts|docs|\.ci)\/|\.map$|\.tsx?$|tsconfig|biome|vitest/.test(
        path.replace(/\.d\.ts$/, ''),
      ),
    );
    expect(unwanted).toEqual([]);
    // The dashboard's bundle and the MCP server's (the SDK, zod and Ajv: about 130 kB
    // packed) are the big files; everything else is small.
    expect(packed.size).toBeLessThan(520_000);
  });

  it('installs the pm bin and its long alias, which run', async () => {
    for (const name of ['pm', pkg.name]) {
      expect(existsSync(join(app, 'node_modules', '.bin', name))).toBe(true);
      expect((await bin(name, ['--version'])).stdout.trim()).toBe(pkg.version);
    }
    const { stdout: port } = await bin('pm', ['--registry', registry, 'allocate', 'shop', 'web']);
    expect(port.trim()).toMatch(/^\d+$/);
    const { stdout: table } = await bin('pm', ['--registry', registry, '--once']);
    expect(table).toMatch(new RegExp(`shop\\s+web\\s+${port.trim()}\\s`));
    const { stdout: json } = await bin('pm', ['--registry', registry, 'status', '--json']);
    const status = JSON.parse(json) as { scanner: { available: boolean } };
    // koffi (the one installed dependency) loads without its install script having run.
    if (process.platform === 'linux') expect(status.scanner.available).toBe(true);
  });

  it('is importable as ESM, with the one-line API and the explicit one', async () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      `import { allocate, defaultDeps, env, port, PmError } from '${pkg.name}';
       const web = await port('shop', 'web');
       const { port: api } = await allocate(defaultDeps(), { project: 'shop', service: 'api' });
       const bad = await port('shop', 'no such').catch((error) => error);
       console.log(JSON.stringify({ web, api, env: await env('shop'),
         error: [bad instanceof PmError, bad.code] }));`,
    );
    const result = JSON.parse((await node(['esm.mjs'], { PM_REGISTRY: registry })).stdout);
    expect(result.env).toEqual({ API_PORT: String(result.api), WEB_PORT: String(result.web) });
    expect(result.error).toEqual([true, 'INVALID_NAME']);
  });

  it('is require()-able from CommonJS on Node >= 20.19, refused with ERR_REQUIRE_ESM before', async () => {
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { port } = require('${pkg.name}');
       port('shop', 'web').then((web) => console.log(web));`,
    );
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const supported = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
    if (supported) {
      const { stdout } = await node(['cjs.cjs'], { PM_REGISTRY: registry });
      expect(stdout.trim()).toMatch(/^\d+$/);
    } else {
      await expect(node(['cjs.cjs'], { PM_REGISTRY: registry })).rejects.toThrow(/ERR_REQUIRE_ESM/);
    }
  });

  it('has declarations whose every relative import ships in the tarball', () => {
    const types = join(app, 'node_modules', pkg.name, 'dist/api/types');
    const missing: string[] = [];
    const seen = new Set<string>();
    const queue = [join(types, 'index.d.ts')];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (!existsSync(file)) {
        missing.push(file.slice(types.length + 1));
        continue;
      }
      const text = readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(
        /(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g,
      )) {
        queue.push(join(dirname(file), `${specifier}.d.ts`));
      }
    }
    expect(missing).toEqual([]);
    expect(seen.size).toBeGreaterThan(5);
  });

  it('has declarations a strict nodenext TypeScript project checks, from ESM and CommonJS', async () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023'],
          strict: true,
          noEmit: true,
          // tsc wrote the declarations from checked sources and the test above proves none is
          // missing; checking @types/node as well would triple this test's time.
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['consumer.mts', 'consumer.cts'],
      }),
    );
    writeFileSync(
      join(app, 'consumer.mts'),
      `import { allocate, defaultDeps, env, isPmError, port, type PortEnv } from '${pkg.name}';
       const web: number = await port('web');
       const api: number = await port('shop', 'api', { prefer: 4000 });
       const vars: PortEnv = await env('shop');
       const spread: NodeJS.ProcessEnv = { ...process.env, ...(await env()) };
       const { port: db, created } = await allocate(defaultDeps(), { project: 'shop', service: 'db' });
       try { await port('web'); } catch (error) { if (isPmError(error)) console.log(error.code); }
       // @ts-expect-error a port is asked for by name (were port() untyped, this line would fail)
       await port(3000);
       console.log(web, api, vars, spread, db satisfies number, created satisfies boolean);`,
    );
    // CommonJS TypeScript too: nodenext lets a .cts file import the ES module (require(esm)).
    writeFileSync(
      join(app, 'consumer.cts'),
      `import { port } from '${pkg.name}';
       port('shop', 'web').then((value: number) => console.log(value));`,
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await node([tsc, '-p', 'tsconfig.json']).catch(
      (error: { stdout: string }) => error,
    );
    expect(result.stdout).toBe('');
  });
});
