// Dev servers that ignore PORT and want a flag instead. pm appends the flag so `pm run` works
// for them without the user wiring anything, whether the server is started directly
// (`vite`, `npx vite`, `node_modules/.bin/vite`) or through a package.json script
// (`npm run dev` whose script is `vite`).
//
// To support another server, add a row: the executable's name, the subcommands that start a
// server (empty: the bare command does), and the flag it takes.

export interface DevServer {
  /** The executable's base name as it appears in a command or script (a Python module's name). */
  readonly bin: string;
  /**
   * First arguments that start a server. `[]` matches the bare command too; any other first
   * argument (e.g. `vite build`) is left alone.
   */
  readonly subcommands: readonly string[];
  /** Whether the bare command (no subcommand, or only flags) starts a server. */
  readonly bare: boolean;
  /** How the port is given: `--port N`, or as the last positional argument. */
  readonly form: { readonly flag: string } | 'positional';
  /** The spellings of its port option the user may have written (default --port and -p). */
  readonly portFlags?: readonly string[];
  /** Its options that take a value, so the value is not read as a subcommand or a port. */
  readonly valueFlags?: readonly string[];
}

const PORT_FLAG = { flag: '--port' } as const;

export const DEV_SERVERS: readonly DevServer[] = [
  // Vite and the frameworks that are Vite underneath when started as `vite` (SvelteKit,
  // SolidStart's `vite dev`, Qwik, React Router / Remix in Vite mode).
  { bin: 'vite', subcommands: ['dev', 'serve', 'preview'], bare: true, form: PORT_FLAG },
  { bin: 'remix', subcommands: ['vite:dev'], bare: false, form: PORT_FLAG },
  { bin: 'react-router', subcommands: ['dev'], bare: false, form: PORT_FLAG },
  { bin: 'astro', subcommands: ['dev', 'preview'], bare: false, form: PORT_FLAG },
  { bin: 'ng', subcommands: ['serve', 's'], bare: false, form: PORT_FLAG },
  { bin: 'webpack-dev-server', subcommands: ['serve'], bare: true, form: PORT_FLAG },
  { bin: 'webpack', subcommands: ['serve', 'server', 's'], bare: false, form: PORT_FLAG },
  { bin: 'storybook', subcommands: ['dev'], bare: false, form: PORT_FLAG },
  { bin: 'json-server', subcommands: [], bare: true, form: PORT_FLAG },
  {
    bin: 'flask',
    subcommands: ['run'],
    bare: false,
    form: PORT_FLAG,
    valueFlags: ['--app', '-A', '--env-file', '-e'],
  },
  {
    bin: 'hugo',
    subcommands: ['server', 'serve'],
    bare: false,
    form: PORT_FLAG,
    valueFlags: ['-s', '--source', '--config', '-e', '--environment'],
  },
  // jekyll's -p is --plugins; its short port option is -P.
  {
    bin: 'jekyll',
    subcommands: ['serve', 'server', 's'],
    bare: false,
    form: PORT_FLAG,
    portFlags: ['--port', '-P'],
    valueFlags: ['-p', '--plugins', '-s', '--source', '-d', '--destination'],
  },
  // Python's own server and Django's take the port as a positional argument (or addr:port).
  {
    bin: 'http.server',
    subcommands: [],
    bare: true,
    form: 'positional',
    valueFlags: ['-b', '--bind', '-d', '--directory', '-p', '--protocol'],
  },
  { bin: 'manage.py', subcommands: ['runserver'], bare: false, form: 'positional' },
  { bin: 'django-admin', subcommands: ['runserver'], bare: false, form: 'positional' },
  { bin: 'django', subcommands: ['runserver'], bare: false, form: 'positional' },
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

/** Runner options whose value is not the command: `npx -p vite vite`, `uv run --with x`. */
const RUNNER_VALUE_FLAGS = new Set(['-p', '--package', '--with', '--python', '--directory']);

const PYTHON = /^(python|python3|py|pypy3?)(\d+(\.\d+)*)?$/i;
/** Python's options that take a value (`-X dev`, `-W ignore`). */
const PYTHON_VALUE_FLAGS = new Set(['-X', '-W', '-Q']);

/**
 * Package managers that run package.json scripts. `separator`: whether arguments for the
 * script must follow `--` (npm and bun strip it; pnpm and yarn pass it on to the script, where
 * Vite would then ignore what follows, so for them pm appends directly).
 * `bareScripts`: whether `pnpm dev` / `yarn dev` / `bun dev` run the script named `dev`.
 * `dirFlags`/`nameFlags`: options naming the workspace the script is in, by directory or by
 * package name; `anywhere`: npm reads its options after the script name too (up to `--`).
 */
interface PackageManager {
  readonly run: readonly string[];
  readonly separator: boolean;
  readonly bareScripts: boolean;
  readonly start: boolean;
  readonly dirFlags: readonly string[];
  readonly nameFlags: readonly string[];
  readonly anywhere: boolean;
}

const PACKAGE_MANAGERS: ReadonlyMap<string, PackageManager> = new Map([
  [
    'npm',
    {
      run: ['run', 'run-script', 'rum', 'urn'],
      separator: true,
      bareScripts: false,
      start: true,
      dirFlags: ['--prefix', '-C'],
      // A workspace is named by its package name or its directory.
      nameFlags: ['-w', '--workspace'],
      anywhere: true,
    },
  ],
  [
    'pnpm',
    {
      run: ['run'],
      separator: false,
      bareScripts: true,
      start: true,
      dirFlags: ['-C', '--dir'],
      nameFlags: ['--filter', '-F'],
      anywhere: false,
    },
  ],
  [
    'yarn',
    {
      run: ['run'],
      separator: false,
      bareScripts: true,
      start: true,
      dirFlags: ['--cwd'],
      nameFlags: [],
      anywhere: false,
    },
  ],
  [
    'bun',
    {
      run: ['run'],
      separator: true,
      bareScripts: false,
      start: false,
      dirFlags: ['--cwd'],
      nameFlags: ['--filter'],
      anywhere: false,
    },
  ],
]);

/** The name a command is known by: `node_modules/.bin/vite`, `C:\x\vite.cmd` -> `vite`. */
export function commandName(arg: string): string {
  const base = arg.split(/[\\/]/).pop() ?? arg;
  return base.replace(/\.(cmd|exe|ps1|bat|js|mjs|cjs)$/i, '');
}

/** Whether the arguments already choose a port (`--port 5173`, `--port=5173`, `-p 5173`). */
export function hasPortFlag(
  args: readonly string[],
  flags: readonly string[] = ['--port', '-p'],
): boolean {
  return args.some((arg) =>
    flags.some((flag) =>
      flag.startsWith('--')
        ? arg === flag || arg.startsWith(`${flag}=`)
        : arg === flag || new RegExp(`^${flag}\\d+$`).test(arg),
    ),
  );
}

/** The arguments that are not options nor option values, in order. */
function operands(args: readonly string[], valueFlags: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (valueFlags.has(arg)) i++;
      continue;
    }
    found.push(arg);
  }
  return found;
}

/** Whether the user already chose the port in the server's own arguments. */
function choosesPort(server: DevServer, args: readonly string[]): boolean {
  if (server.form === 'positional') {
    // `8000`, `0.0.0.0:8000`, `[::1]:8000`: Django's addrport and http.server's port.
    return operands(args, new Set(server.valueFlags)).some((arg) => /^(\d+|.*:\d+)$/.test(arg));
  }
  return hasPortFlag(args, server.portFlags);
}

interface Matched {
  readonly server: DevServer;
  /** The server's own arguments, after its executable. */
  readonly args: readonly string[];
}

/** `python -m http.server …` and `python manage.py runserver …`: the module or the script. */
function pythonTarget(args: readonly string[]): readonly string[] | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-m') return args.slice(i + 1);
    if (/^-[^-]*m/.test(arg) && !arg.startsWith('--')) {
      // Clustered: `-um flask` or `-mhttp.server`.
      const rest = arg.slice(arg.indexOf('m') + 1);
      return rest === '' ? args.slice(i + 1) : [rest, ...args.slice(i + 1)];
    }
    if (PYTHON_VALUE_FLAGS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return args.slice(i);
  }
  return undefined;
}

function matchServer(argv: readonly string[]): Matched | undefined {
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
    const index = args.findIndex((arg, i) => !arg.startsWith('-') && !isFlagValue(args, i));
    return index < 0 ? undefined : matchServer(args.slice(index));
  }
  if (PYTHON.test(name)) {
    const target = pythonTarget(rest);
    return target === undefined ? undefined : matchServer(target);
  }
  const server = DEV_SERVERS.find((entry) => entry.bin === name);
  if (!server) return undefined;
  const [sub] = operands(rest, new Set(server.valueFlags));
  const matched = { server, args: rest };
  if (sub === undefined) return server.bare ? matched : undefined;
  if (server.subcommands.includes(sub)) return matched;
  // `vite ./app` (a root directory), `json-server db.json` (a file) start the server too.
  return server.bare && /[./\\]/.test(sub) ? matched : undefined;
}

/** `-p pkg` and `--package pkg` of npx take a value that is not the command. */
function isFlagValue(args: readonly string[], i: number): boolean {
  return RUNNER_VALUE_FLAGS.has(args[i - 1] ?? '');
}

/** The arguments that give the port, in the server's form. */
function portArgs(server: DevServer, port: number): string[] {
  return server.form === 'positional' ? [String(port)] : [server.form.flag, String(port)];
}

export type WorkspaceSelector = { readonly dir: string } | { readonly name: string };

export interface Scripts {
  /** The package.json `scripts` of the working directory; undefined when there is none. */
  readonly get: (name: string) => string | undefined;
  /**
   * The scripts of a workspace of this directory's repository: by its directory (relative to
   * this one) or by its package name (or directory) as `-w`/`--filter` name it.
   */
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
  /** The port the command or its script sets itself (`next dev -p 4000`): kept, and said. */
  readonly pinned?: { readonly port: number; readonly by: 'command' | 'script' };
}

/** The port a command line sets with `--port N`, `--port=N`, `-p N` or `-pN`, if any. */
export function pinnedPort(args: readonly string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value =
      arg === '--port' || arg === '-p'
        ? args[i + 1]
        : (/^--port=(\d+)$/.exec(arg)?.[1] ?? /^-p(\d+)$/.exec(arg)?.[1]);
    if (value !== undefined && /^\d{1,5}$/.test(value)) {
      const port = Number(value);
      if (port >= 1 && port <= 65535) return port;
    }
  }
  return undefined;
}

/** What a kept command says about its port, for the plan. */
function pinnedBy(args: readonly string[], by: 'command' | 'script'): Pick<PortPlan, 'pinned'> {
  const port = pinnedPort(args);
  return port === undefined ? {} : { pinned: { port, by } };
}

interface ScriptCall {
  readonly script: string;
  readonly manager: PackageManager;
  /** The arguments after the script's name (for the script, or for npm up to `--`). */
  readonly args: readonly string[];
  /** The scripts the call runs from: a workspace's when an option names one. */
  readonly scripts: Scripts;
}

/** `--workspace=web`, `-w web`: the option's value, and how many words it took. */
function optionValue(
  args: readonly string[],
  i: number,
  flags: readonly string[],
): { value: string; words: number } | undefined {
  const arg = args[i] as string;
  for (const flag of flags) {
    if (arg === flag && args[i + 1] !== undefined)
      return { value: args[i + 1] as string, words: 2 };
    if (arg.startsWith(`${flag}=`)) return { value: arg.slice(flag.length + 1), words: 1 };
  }
  return undefined;
}

/** The workspace an option names, or the directory's own scripts; undefined: no such one. */
function workspaceOf(
  scripts: Scripts,
  manager: PackageManager,
  args: readonly string[],
): { scripts: Scripts; rest: readonly string[] } | undefined {
  let chosen: Scripts | undefined = scripts;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const dir = optionValue(args, i, manager.dirFlags);
    const name = dir ? undefined : optionValue(args, i, manager.nameFlags);
    const named = dir ?? name;
    if (named) {
      chosen = scripts.workspace?.(dir ? { dir: named.value } : { name: named.value });
      i += named.words - 1;
      continue;
    }
    rest.push(args[i] as string);
  }
  return chosen === undefined ? undefined : { scripts: chosen, rest };
}

/** How a package manager's command line runs a script, when it does. */
function scriptCall(argv: readonly string[], scripts: Scripts): ScriptCall | undefined {
  const [first, ...words] = argv;
  if (first === undefined) return undefined;
  const manager = PACKAGE_MANAGERS.get(commandName(first));
  if (!manager) return undefined;
  // Options before the subcommand name the workspace (`pnpm -C packages/web dev`).
  let at = 0;
  while (at < words.length && (words[at] as string).startsWith('-')) {
    const taken = optionValue(words, at, [...manager.dirFlags, ...manager.nameFlags]);
    at += taken ? taken.words : 1;
  }
  const leading = workspaceOf(scripts, manager, words.slice(0, at));
  if (!leading) return undefined;
  let [sub, ...rest] = words.slice(at);
  let from = leading.scripts;
  // `yarn workspace web dev`: the workspace by name, then the script.
  if (commandName(first) === 'yarn' && sub === 'workspace') {
    const [name, next, ...after] = rest;
    const named = name === undefined ? undefined : scripts.workspace?.({ name });
    if (!named) return undefined;
    from = named;
    sub = next;
    rest = after;
  }
  if (sub === undefined) return undefined;
  let script: string | undefined;
  let args: readonly string[];
  if (manager.run.includes(sub)) [script, ...args] = rest;
  else if (sub === 'start' && manager.start) [script, args] = ['start', rest];
  else if (manager.bareScripts && from.get(sub) !== undefined) [script, args] = [sub, rest];
  else return undefined;
  if (script === undefined) return undefined;
  // npm reads `-w web` after the script name too (everything before `--` is npm's).
  if (manager.anywhere) {
    const trailing = workspaceOf(from, manager, args);
    if (!trailing) return undefined;
    from = trailing.scripts;
  }
  return { script, manager, args, scripts: from };
}

/**
 * A script (or the command itself) that sets its own port, whatever the server: `next dev -p
 * 4000` reads PORT too, but the flag wins, so the allocation is not what it listens on.
 */
function scriptPin(argv: readonly string[], scripts: Scripts): Pick<PortPlan, 'pinned'> {
  let call = scriptCall(argv, scripts);
  if (!call) return isRunner(argv) ? {} : pinnedBy(argv, 'command');
  const given = pinnedBy(call.args, 'command');
  if (given.pinned) return given;
  for (let depth = 0; call && depth < SCRIPT_DEPTH; depth++) {
    const body = call.scripts.get(call.script);
    if (body === undefined) return {};
    const words = lastCommand(body);
    if (!scriptCall(words, call.scripts)) return isRunner(words) ? {} : pinnedBy(words, 'script');
    call = scriptCall(words, call.scripts);
  }
  return {};
}

/** npx and friends take `-p` as their own option (a package), not a port. */
function isRunner(argv: readonly string[]): boolean {
  return EXEC_RUNNERS.has(commandName(argv[0] ?? ''));
}

/** Scripts calling scripts (`dev: "npm run dev -w web"`) are followed this deep. */
const SCRIPT_DEPTH = 4;

/**
 * The command with the port appended when it starts a known dev server that would otherwise
 * ignore PORT, and the user did not choose a port already.
 */
export function withPortFlag(argv: readonly string[], port: number, scripts: Scripts): PortPlan {
  const direct = matchServer(argv);
  if (direct) {
    if (choosesPort(direct.server, direct.args))
      return { argv, ...pinnedBy(direct.args, 'command') };
    const args = portArgs(direct.server, port);
    return { argv: [...argv, ...args], appended: { server: direct.server.bin, args } };
  }
  const found = scriptServer(argv, scripts, SCRIPT_DEPTH);
  if (!found) return { argv, ...scriptPin(argv, scripts) };
  // From the innermost call out: npm and bun pass a script only what follows their `--`, so
  // each of them on the way needs one (a root `npm run dev` calling `npm run dev -w web`
  // gets `-- -- --port N`); pnpm and yarn pass everything on, and hand a `--` on too, where
  // the server would stop reading flags.
  let args = portArgs(found.server, port);
  for (const call of [...found.calls].reverse()) {
    const hasSeparator = call.args.includes('--');
    if (hasSeparator && !call.manager.separator) return { argv };
    if (call.manager.separator && !hasSeparator) args = ['--', ...args];
  }
  return { argv: [...argv, ...args], appended: { server: found.server.bin, args } };
}

/**
 * The dev server a package-manager command starts through its script, following a script
 * that runs another package manager's script (a monorepo root's `dev`). Undefined when the
 * port is already chosen anywhere on the way.
 */
function scriptServer(
  argv: readonly string[],
  scripts: Scripts,
  depth: number,
): { calls: readonly ScriptCall[]; server: DevServer } | undefined {
  const call = scriptCall(argv, scripts);
  if (!call || depth === 0) return undefined;
  const body = call.scripts.get(call.script);
  if (body === undefined) return undefined;
  const words = lastCommand(body);
  const forScript = call.args.filter((arg) => arg !== '--');
  const matched = matchServer(words);
  if (matched) {
    const { server } = matched;
    if (choosesPort(server, matched.args) || choosesPort(server, forScript)) return undefined;
    return { calls: [call], server };
  }
  const inner = scriptServer(words, call.scripts, depth - 1);
  if (!inner || choosesPort(inner.server, forScript)) return undefined;
  return { calls: [call, ...inner.calls], server: inner.server };
}
