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
        'LICENSE',
        'dist/cli.js',
        'dist/api/index.js',
        'dist/api/types/index.d.ts',
        'dist/THIRD-PARTY-NOTICES.txt',
      ]),
    );
    const unwanted = paths.filter((path) =>
      /^(src|test|bench|scripts|docs|\.ci)\/|\.map$|\.tsx?$|tsconfig|biome|vitest|internal\.js$/.test(
        path.replace(/\.d\.ts$/, ''),
      ),
    );
    expect(unwanted).toEqual([]);
    // The dashboard's bundle and the MCP server's (the SDK, zod and Ajv) are the big files; the
    // bin's and the API's are left unminified (a stack trace points at a readable line).
    // 654 kB packed once consistency (issue 23) joined proxy, containers and MCP.
    expect(packed.size).toBeLessThan(680_000);
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

  it('carries no lifecycle script a consumer would be asked to allow, and its licence', () => {
    const installed = join(app, 'node_modules', pkg.name);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
      license?: string;
    };
    const run = ['preinstall', 'install', 'postinstall', 'prepare'].filter(
      (name) => manifest.scripts?.[name] !== undefined,
    );
    expect(run).toEqual([]);
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('exports the documented surface and nothing else (docs/api.md)', async () => {
    writeFileSync(
      join(app, 'surface.mjs'),
      `console.log(JSON.stringify(Object.keys(await import('${pkg.name}')).sort()));`,
    );
    expect(JSON.parse((await node(['surface.mjs'])).stdout)).toEqual([
      'PmError',
      'env',
      'isPmError',
      'port',
      'query',
      'status',
      'url',
    ]);
  });

  it('is importable as ESM: port, url, env, status, query and PmError', async () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      `import { env, isPmError, port, PmError, query, status, url } from '${pkg.name}';
       const web = await port('shop', 'web');
       const api = await port('shop', 'api');
       const bad = await port('shop', 'no such').catch((error) => error);
       const rows = (await status()).map((row) => [row.service, row.port]);
       const shop = (await query('shop')).services.map((row) => row.service);
       console.log(JSON.stringify({ web, api, url: await url('shop', 'web'), env: await env('shop'), rows, shop,
         error: [bad instanceof PmError, isPmError(bad), bad.code] }));`,
    );
    const result = JSON.parse((await node(['esm.mjs'], { PM_REGISTRY: registry })).stdout);
    expect(result.env).toEqual({
      API_PORT: String(result.api),
      API_URL: `http://localhost:${result.api}`,
      WEB_PORT: String(result.web),
      WEB_URL: `http://localhost:${result.web}`,
    });
    expect(result.url).toBe(`http://localhost:${result.web}`);
    expect(result.rows).toEqual([
      ['api', result.api],
      ['web', result.web],
    ]);
    expect(result.shop).toEqual(['api', 'web']);
    expect(result.error).toEqual([true, true, 'INVALID_NAME']);
  });

  it('is require()-able from CommonJS (require(esm), Node >= 22.12)', async () => {
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { port } = require('${pkg.name}');
       port('shop', 'web').then((web) => console.log(web));`,
    );
    const { stdout } = await node(['cjs.cjs'], { PM_REGISTRY: registry });
    expect(stdout.trim()).toMatch(/^\d+$/);
  });

  it('shows an uncaught API error as its message and a stack of real lines, not a bundle', async () => {
    writeFileSync(
      join(app, 'uncaught.mjs'),
      `import { port } from '${pkg.name}';\nawait port(3000);\n`,
    );
    const failed = await node(['uncaught.mjs'], { PM_REGISTRY: registry }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    const { stderr } = failed as { stderr: string };
    expect(stderr).toContain('PmError');
    // Node prints where it was thrown and that source line: one line of code, not the bundle.
    const [where = '', source = ''] = stderr.split('\n');
    expect(where).toMatch(/dist\/api\/[\w/.-]+\.js:\d+$/);
    expect(source.trim()).toMatch(/^throw new PmError\(/);
    expect(source.length).toBeLessThan(200);
    expect(stderr).toMatch(/at \w+ \(file:[^)]*dist\/api\/[\w/.-]+\.js:\d+:\d+\)/);
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
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });

  it('has declarations a strict nodenext TypeScript project without @types/node checks, from ESM and CommonJS', async () => {
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
          // The package's declarations are checked too, and without Node's types: a browser
          // build tool's config or a Deno script may have none.
          skipLibCheck: false,
          types: [],
        },
        files: ['consumer.mts', 'consumer.cts'],
      }),
    );
    writeFileSync(
      join(app, 'consumer.mts'),
      `import { env, isPmError, port, type PortEnv, query, type ServiceStatus, status } from '${pkg.name}';
       declare const console: { log(...values: unknown[]): void };
       const web: number = await port('web');
       const api: number = await port('shop', 'api', { prefer: 4000 });
       const vars: PortEnv = await env('shop');
       const spread: Record<string, string | undefined> = { ...(await env()) };
       const rows: readonly ServiceStatus[] = await status({ registry: '/tmp/registry.toml' });
       const { services } = await query('shop');
       try { await port('web'); } catch (error) { if (isPmError(error)) console.log(error.code, error.remedies); }
       // @ts-expect-error a port is asked for by name (were port() untyped, this line would fail)
       await port(3000);
       console.log(web, api, vars, spread, rows[0]?.state, services[0]?.listeners[0]?.pid);`,
    );
    // CommonJS TypeScript too: nodenext lets a .cts file import the ES module (require(esm)).
    writeFileSync(
      join(app, 'consumer.cts'),
      `import { port } from '${pkg.name}';
       declare const console: { log(...values: unknown[]): void };
       port('shop', 'web').then((value: number) => console.log(value));`,
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    expect(existsSync(join(app, 'node_modules/@types/node'))).toBe(false);
    const result = await node([tsc, '-p', 'tsconfig.json']).catch(
      (error: { stdout: string }) => error,
    );
    expect(result.stdout).toBe('');
  });
});
