// Dev servers that ignore PORT and want a flag instead. pm appends the flag so `pm run` works
// for them without the user wiring anything, whether the server is started directly
// (`vite`, `npx vite`, `node_modules/.bin/vite`) or through a package.json script
// (`npm run dev` whose script is `vite`).
//
// To support another server, add a row: the executable's name, the subcommands that start a
// server (empty: the bare command does), and the flag it takes.

export interface DevServer {
  /** The executable's base name as it appears in a command or script (a Python module or
   *  script for Python servers: `http.server`, `manage.py`). */
  readonly bin: string;
  /**
   * First arguments that start a server. `[]` matches the bare command too; any other first
   * argument (e.g. `vite build`) is left alone.
   */
  readonly subcommands: readonly string[];
  /** Whether the bare command (no subcommand, or only flags) starts a server. */
  readonly bare: boolean;
  /** Whether any first argument starts a server too (`json-server db.json`). */
  readonly anyArgument?: boolean;
  /** How the port is given: `flag N` appended, or `N` as the last positional argument. */
  readonly port: { readonly flag: string } | { readonly positional: true };
  /** Spellings of the port flag beyond `--port`, `--port=N` and `-p` (jekyll's `-P`). */
  readonly portFlags?: readonly string[];
  /** Flags before the subcommand that take a value (`flask --app hello run`). */
  readonly valueFlags?: readonly string[];
  /** The server reads PORT: pm appends nothing, but says when the command pins a port. */
  readonly readsPort?: boolean;
}

const flag = (name = '--port') => ({ flag: name }) as const;

export const DEV_SERVERS: readonly DevServer[] = [
  // Vite and the frameworks that are Vite underneath when started as `vite` (SvelteKit,
  // SolidStart's `vite dev`, Qwik, React Router / Remix in Vite mode).
  { bin: 'vite', subcommands: ['dev', 'serve', 'preview'], bare: true, port: flag() },
  { bin: 'remix', subcommands: ['vite:dev'], bare: false, port: flag() },
  { bin: 'react-router', subcommands: ['dev'], bare: false, port: flag() },
  { bin: 'astro', subcommands: ['dev', 'preview'], bare: false, port: flag() },
  { bin: 'ng', subcommands: ['serve', 's'], bare: false, port: flag() },
  { bin: 'webpack-dev-server', subcommands: ['serve'], bare: true, port: flag() },
  { bin: 'webpack', subcommands: ['serve', 'server', 's'], bare: false, port: flag() },
  { bin: 'storybook', subcommands: ['dev'], bare: false, port: flag() },
  { bin: 'json-server', subcommands: [], bare: true, anyArgument: true, port: flag() },
  { bin: 'hugo', subcommands: ['server', 'serve'], bare: false, port: flag() },
  {
    bin: 'jekyll',
    subcommands: ['serve', 's', 'server'],
    bare: false,
    port: flag(),
    portFlags: ['-P'],
  },
  // Python: `python -m http.server [port]`, `python manage.py runserver [addr:]port`, and
  // `flask run` (which reads FLASK_RUN_PORT too, but not PORT).
  {
    bin: 'http.server',
    subcommands: [],
    bare: true,
    anyArgument: true,
    port: { positional: true },
  },
  { bin: 'manage.py', subcommands: ['runserver'], bare: false, port: { positional: true } },
  { bin: 'django-admin', subcommands: ['runserver'], bare: false, port: { positional: true } },
  {
    bin: 'flask',
    subcommands: ['run'],
    bare: false,
    port: flag(),
    valueFlags: ['--app', '-A', '-e', '--env-file'],
  },
  // Servers that read PORT; listed so that a port their command pins is told at start.
  { bin: 'next', subcommands: ['dev', 'start'], bare: false, port: flag(), readsPort: true },
  { bin: 'nuxi', subcommands: ['dev', 'preview'], bare: false, port: flag(), readsPort: true },
  { bin: 'nuxt', subcommands: ['dev', 'preview'], bare: false, port: flag(), readsPort: true },
];

/** Commands that run a package's executable: `npx vite`, `bunx vite`, `pnpm exec vite`. */
const EXEC_RUNNERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['npx', []],
  ['pnpx', []],
  ['bunx', []],
  ['pnpm', ['exec', 'dlx']],
  ['yarn', ['exec', 'dlx']],
  ['bun', ['x']],
  ['npm', ['exec', 'x']],
  ['bundle', ['exec']],
  ['uv', ['run']],
  ['poetry', ['run']],
  ['pipenv', ['run']],
]);

/** Runner flags whose value is the next word, not the command (`npx -p vite vite`). */
const RUNNER_VALUE_FLAGS = new Set(['-p', '--package', '--with', '--python', '-c', '--call']);

/**
 * Package managers that run package.json scripts. `separator`: whether arguments for the
 * script must follow `--` (npm and bun strip it; pnpm and yarn pass it on to the script, where
 * Vite would then ignore what follows, so for them pm appends directly).
 * `bareScripts`: whether `pnpm dev` / `yarn dev` / `bun dev` run the script named `dev`.
 * `workspaceFlags`: flags naming the package whose script runs, by directory or by name.
 */
interface PackageManager {
  readonly run: readonly string[];
  readonly separator: boolean;
  readonly bareScripts: boolean;
  readonly start: boolean;
  readonly workspaceFlags: Readonly<Record<string, 'dir' | 'name'>>;
}

const PACKAGE_MANAGERS: ReadonlyMap<string, PackageManager> = new Map<string, PackageManager>([
  [
    'npm',
    {
      run: ['run', 'run-script', 'rum', 'urn'],
      separator: true,
      bareScripts: false,
      start: true,
      workspaceFlags: { '-w': 'name', '--workspace': 'name', '--prefix': 'dir' },
    },
  ],
  [
    'pnpm',
    {
      run: ['run'],
      separator: false,
      bareScripts: true,
      start: true,
      workspaceFlags: { '-C': 'dir', '--dir': 'dir', '-F': 'name', '--filter': 'name' },
    },
  ],
  [
    'yarn',
    {
      run: ['run'],
      separator: false,
      bareScripts: true,
      start: true,
      workspaceFlags: { '--cwd': 'dir' },
    },
  ],
  [
    'bun',
    {
      run: ['run'],
      separator: true,
      bareScripts: false,
      start: false,
      workspaceFlags: { '--cwd': 'dir', '-F': 'name', '--filter': 'name' },
    },
  ],
]);

/** The name a command is known by: `node_modules/.bin/vite`, `C:\x\vite.cmd` -> `vite`. */
export function commandName(arg: string): string {
  const base = arg.split(/[\\/]/).pop() ?? arg;
  return base.replace(/\.(cmd|exe|ps1|bat|js|mjs|cjs)$/i, '');
}

const GENERIC_PORT_FLAGS = ['--port', '-p'];

/**
 * The port the arguments already choose (`--port 5173`, `--port=5173`, `-p 5173`, `-p5173`,
 * a server's own spelling), or `true` when they choose one pm cannot read; undefined: none.
 */
export function chosenPort(args: readonly string[], server?: DevServer): number | true | undefined {
  const flags = [...GENERIC_PORT_FLAGS, ...(server?.portFlags ?? [])];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (flags.includes(arg)) return portValue(args[i + 1]);
    const equals = flags.find((f) => f.startsWith('--') && arg.startsWith(`${f}=`));
    if (equals) return portValue(arg.slice(equals.length + 1));
    const attached = flags.find(
      (f) => !f.startsWith('--') && arg.startsWith(f) && /^\d+$/.test(arg.slice(f.length)),
    );
    if (attached) return portValue(arg.slice(attached.length));
  }
  if (server && 'positional' in server.port) {
    // `runserver 8000`, `runserver 0.0.0.0:8000`, `http.server 8000`.
    const operand = args.find((arg) => /^(?:[^\s:]*:|\[[^\]]*\]:)?\d+$/.test(arg));
    if (operand) return portValue(operand.slice(operand.lastIndexOf(':') + 1));
  }
  return undefined;
}

function portValue(text: string | undefined): number | true {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 && value < 65536 ? value : true;
}

/** Whether the arguments already choose a port (`--port 5173`, `--port=5173`, `-p 5173`). */
export function hasPortFlag(args: readonly string[], server?: DevServer): boolean {
  return chosenPort(args, server) !== undefined;
}

const PYTHON = /^python(\d+(\.\d+)*)?$|^py$/;

/** The dev server `argv` starts and the arguments it gets, through runners and Python. */
function matchServer(
  argv: readonly string[],
): { server: DevServer; args: readonly string[] } | undefined {
  const [first, ...rest] = argv;
  if (first === undefined) return undefined;
  const name = commandName(first);
  const runner = EXEC_RUNNERS.get(name);
  if (runner) {
    let args = rest;
    if (runner.length > 0) {
      if (!runner.includes(args[0] ?? '')) return undefined;
      args = args.slice(1);
    }
    // Runner flags (`npx --yes vite`, `npx -p vite vite`): skip to the executable.
    const index = args.findIndex(
      (arg, i) => !arg.startsWith('-') && !RUNNER_VALUE_FLAGS.has(args[i - 1] ?? ''),
    );
    return index < 0 ? undefined : matchServer(args.slice(index));
  }
  if (PYTHON.test(name)) {
    const module = rest.indexOf('-m');
    if (module >= 0) return serverCall(rest[module + 1] ?? '', rest.slice(module + 2));
    const script = rest.findIndex((arg) => !arg.startsWith('-'));
    return script < 0
      ? undefined
      : serverCall(commandName(rest[script] as string), rest.slice(script + 1));
  }
  return serverCall(name, rest);
}

function serverCall(name: string, rest: readonly string[]) {
  const server = DEV_SERVERS.find((entry) => entry.bin === name);
  if (!server) return undefined;
  const sub = rest.find(
    (arg, i) => !arg.startsWith('-') && !server.valueFlags?.includes(rest[i - 1] ?? ''),
  );
  if (sub === undefined) return server.bare ? { server, args: rest } : undefined;
  if (server.subcommands.includes(sub) || server.anyArgument) return { server, args: rest };
  // `vite ./app` (a root directory) starts the server too.
  return server.bare && /[./\\]/.test(sub) ? { server, args: rest } : undefined;
}

/** Which package's scripts a package manager's flags name: `-w web`, `--prefix packages/web`. */
export type WorkspaceSelector = { readonly dir: string } | { readonly name: string };

export interface Scripts {
  /** The package.json `scripts` of the working directory; undefined when there is none. */
  readonly get: (name: string) => string | undefined;
  /** The scripts of a workspace package, by directory (from this one) or package name. */
  readonly workspace?: (selector: WorkspaceSelector) => Scripts | undefined;
}

/**
 * The last simple command of a script: `tsc && vite --host` -> `vite --host` (arguments given
 * to `npm run` land after the whole script text, that is on its last command). Leading
 * variable assignments and `cross-env`/`env` are skipped. Quotes are honoured loosely: this is
 * for recognising a server, not for running the script.
 */
export function lastCommand(script: string): string[] {
  const segments = script.split(/&&|\|\||;|\||&/);
  const words = (segments[segments.length - 1] ?? '').match(/(?:"[^"]*"|'[^']*'|[^\s"'])+/g) ?? [];
  let start = 0;
  while (start < words.length) {
    const word = words[start] as string;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) start++;
    else if (word === 'cross-env' || word === 'env') start++;
    else break;
  }
  return words.slice(start).map((word) => word.replace(/"([^"]*)"|'([^']*)'/g, '$1$2'));
}

export interface PortPlan {
  /** The command to run, with the port flag appended when pm added one. */
  readonly argv: readonly string[];
  /** The server pm recognised (for telling the user), when it appended a flag. */
  readonly appended?: { readonly server: string; readonly args: readonly string[] };
  /** The command (or the script it runs) already chooses the port: which, when readable. */
  readonly pinned?: { readonly server: string; readonly port?: number };
}

interface ScriptCall {
  readonly script: string;
  readonly manager: PackageManager;
  readonly args: readonly string[];
  readonly scripts: Scripts;
}

/** How a package manager's command line runs a script, when it does (workspace flags too). */
function scriptCall(argv: readonly string[], scripts: Scripts): ScriptCall | undefined {
  const [first, ...words] = argv;
  if (first === undefined) return undefined;
  const manager = PACKAGE_MANAGERS.get(commandName(first));
  if (!manager) return undefined;
  // Workspace flags may stand before the subcommand or after the script (npm), never after `--`.
  let selector: WorkspaceSelector | undefined;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word === '--') {
      rest.push(...words.slice(i));
      break;
    }
    const equals = word.indexOf('=');
    const name = equals > 0 && word.startsWith('--') ? word.slice(0, equals) : word;
    const kind = manager.workspaceFlags[name];
    if (kind) {
      const value = equals > 0 && name !== word ? word.slice(equals + 1) : words[++i];
      if (value !== undefined) selector = kind === 'dir' ? { dir: value } : { name: value };
      continue;
    }
    rest.push(word);
  }
  // `yarn workspace web dev`
  if (commandName(first) === 'yarn' && rest[0] === 'workspace' && rest[1] !== undefined) {
    selector = { name: rest[1] };
    rest.splice(0, 2);
  }
  const target = selector ? scripts.workspace?.(selector) : scripts;
  if (!target) return undefined;
  const [sub, ...after] = rest;
  if (sub === undefined) return undefined;
  if (manager.run.includes(sub)) {
    const [script, ...args] = after;
    return script === undefined ? undefined : { script, manager, args, scripts: target };
  }
  if (sub === 'start' && manager.start)
    return { script: 'start', manager, args: after, scripts: target };
  if (manager.bareScripts && target.get(sub) !== undefined) {
    return { script: sub, manager, args: after, scripts: target };
  }
  return undefined;
}

type Resolution =
  | { readonly kind: 'append'; readonly server: string; readonly args: readonly string[] }
  | { readonly kind: 'pinned'; readonly server: string; readonly port?: number };

/** How deep a script may call another script's package manager before pm stops looking. */
const MAX_SCRIPT_DEPTH = 4;

function portArgs(server: DevServer, port: number): string[] {
  return 'flag' in server.port ? [server.port.flag, String(port)] : [String(port)];
}

function resolve(
  argv: readonly string[],
  port: number,
  scripts: Scripts,
  depth: number,
): Resolution | undefined {
  const direct = matchServer(argv);
  if (direct) {
    const chosen = chosenPort(direct.args, direct.server);
    if (chosen !== undefined) {
      return {
        kind: 'pinned',
        server: direct.server.bin,
        ...(chosen === true ? {} : { port: chosen }),
      };
    }
    if (direct.server.readsPort) return undefined;
    return { kind: 'append', server: direct.server.bin, args: portArgs(direct.server, port) };
  }
  const call = scriptCall(argv, scripts);
  if (!call || depth >= MAX_SCRIPT_DEPTH) return undefined;
  const body = call.scripts.get(call.script);
  if (body === undefined) return undefined;
  const inner = resolve(
    [...lastCommand(body), ...call.args.filter((a) => a !== '--')],
    port,
    call.scripts,
    depth + 1,
  );
  if (!inner || inner.kind === 'pinned') return inner;
  const hasSeparator = call.args.includes('--');
  // pnpm and yarn hand a `--` on to the script, where the server would stop reading flags.
  if (hasSeparator && !call.manager.separator) return undefined;
  const args = [...(call.manager.separator && !hasSeparator ? ['--'] : []), ...inner.args];
  return { kind: 'append', server: inner.server, args };
}

/**
 * The command with its port argument appended when it starts a known dev server that would
 * otherwise ignore PORT (directly, through a runner, a package.json script, a workspace's
 * script, or a root script calling one), and the user did not choose a port already.
 */
export function withPortFlag(argv: readonly string[], port: number, scripts: Scripts): PortPlan {
  const found = resolve(argv, port, scripts, 0);
  if (!found) return { argv };
  if (found.kind === 'pinned') {
    return {
      argv,
      pinned: { server: found.server, ...(found.port !== undefined ? { port: found.port } : {}) },
    };
  }
  return { argv: [...argv, ...found.args], appended: { server: found.server, args: found.args } };
}
