// Dev servers that ignore PORT and want a flag instead. pm appends the flag so `pm run` works
// for them without the user wiring anything, whether the server is started directly
// (`vite`, `npx vite`, `node_modules/.bin/vite`) or through a package.json script
// (`npm run dev` whose script is `vite`).
//
// To support another server, add a row: the executable's name, the subcommands that start a
// server (empty: the bare command does), and the flag it takes.

export interface DevServer {
  /** The executable's base name as it appears in a command or script. */
  readonly bin: string;
  /**
   * First arguments that start a server. `[]` matches the bare command too; any other first
   * argument (e.g. `vite build`) is left alone.
   */
  readonly subcommands: readonly string[];
  /** Whether the bare command (no subcommand, or only flags) starts a server. */
  readonly bare: boolean;
  readonly flag: string;
}

export const DEV_SERVERS: readonly DevServer[] = [
  // Vite and the frameworks that are Vite underneath when started as `vite` (SvelteKit,
  // SolidStart's `vite dev`, Qwik, React Router / Remix in Vite mode).
  { bin: 'vite', subcommands: ['dev', 'serve', 'preview'], bare: true, flag: '--port' },
  { bin: 'remix', subcommands: ['vite:dev'], bare: false, flag: '--port' },
  { bin: 'astro', subcommands: ['dev', 'preview'], bare: false, flag: '--port' },
  { bin: 'ng', subcommands: ['serve', 's'], bare: false, flag: '--port' },
  { bin: 'webpack-dev-server', subcommands: ['serve'], bare: true, flag: '--port' },
  { bin: 'webpack', subcommands: ['serve', 'server', 's'], bare: false, flag: '--port' },
  { bin: 'storybook', subcommands: ['dev'], bare: false, flag: '--port' },
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
]);

/**
 * Package managers that run package.json scripts. `separator`: whether arguments for the
 * script must follow `--` (npm and bun strip it; pnpm and yarn pass it on to the script, where
 * Vite would then ignore what follows, so for them pm appends directly).
 * `bareScripts`: whether `pnpm dev` / `yarn dev` / `bun dev` run the script named `dev`.
 */
interface PackageManager {
  readonly run: readonly string[];
  readonly separator: boolean;
  readonly bareScripts: boolean;
  readonly start: boolean;
}

const PACKAGE_MANAGERS: ReadonlyMap<string, PackageManager> = new Map([
  [
    'npm',
    { run: ['run', 'run-script', 'rum', 'urn'], separator: true, bareScripts: false, start: true },
  ],
  ['pnpm', { run: ['run'], separator: false, bareScripts: true, start: true }],
  ['yarn', { run: ['run'], separator: false, bareScripts: true, start: true }],
  ['bun', { run: ['run'], separator: true, bareScripts: false, start: false }],
]);

/** The name a command is known by: `node_modules/.bin/vite`, `C:\x\vite.cmd` -> `vite`. */
export function commandName(arg: string): string {
  const base = arg.split(/[\\/]/).pop() ?? arg;
  return base.replace(/\.(cmd|exe|ps1|bat|js|mjs|cjs)$/i, '');
}

/** Whether the arguments already choose a port (`--port 5173`, `--port=5173`, `-p 5173`). */
export function hasPortFlag(args: readonly string[]): boolean {
  return args.some(
    (arg) => arg === '--port' || arg === '-p' || arg.startsWith('--port=') || /^-p\d+$/.test(arg),
  );
}

function matchServer(argv: readonly string[]): DevServer | undefined {
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
  const server = DEV_SERVERS.find((entry) => entry.bin === name);
  if (!server) return undefined;
  const sub = rest.find((arg) => !arg.startsWith('-'));
  if (sub === undefined) return server.bare ? server : undefined;
  if (server.subcommands.includes(sub)) return server;
  // `vite ./app` (a root directory) starts the server too.
  return server.bare && /[./\\]/.test(sub) ? server : undefined;
}

/** `-p pkg` and `--package pkg` of npx take a value that is not the command. */
function isFlagValue(args: readonly string[], i: number): boolean {
  const previous = args[i - 1];
  return previous === '-p' || previous === '--package';
}

export interface Scripts {
  /** The package.json `scripts` of the working directory; undefined when there is none. */
  readonly get: (name: string) => string | undefined;
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
}

/** How a package manager's command line runs a script, when it does. */
function scriptCall(
  argv: readonly string[],
  scripts: Scripts,
): { script: string; manager: PackageManager; args: readonly string[] } | undefined {
  const [first, sub, ...rest] = argv;
  if (first === undefined || sub === undefined) return undefined;
  const manager = PACKAGE_MANAGERS.get(commandName(first));
  if (!manager) return undefined;
  if (manager.run.includes(sub)) {
    const [script, ...args] = rest;
    return script === undefined ? undefined : { script, manager, args };
  }
  if (sub === 'start' && manager.start) return { script: 'start', manager, args: rest };
  if (manager.bareScripts && scripts.get(sub) !== undefined)
    return { script: sub, manager, args: rest };
  return undefined;
}

/**
 * The command with `--port <port>` appended when it starts a known dev server that would
 * otherwise ignore PORT, and the user did not choose a port already.
 */
export function withPortFlag(argv: readonly string[], port: number, scripts: Scripts): PortPlan {
  if (hasPortFlag(argv)) return { argv };
  const direct = matchServer(argv);
  if (direct) {
    const args = [direct.flag, String(port)];
    return { argv: [...argv, ...args], appended: { server: direct.bin, args } };
  }
  const call = scriptCall(argv, scripts);
  if (!call) return { argv };
  const body = scripts.get(call.script);
  if (body === undefined) return { argv };
  const words = lastCommand(body);
  const server = matchServer(words);
  if (!server || hasPortFlag(words)) return { argv };
  const hasSeparator = call.args.includes('--');
  // pnpm and yarn hand a `--` on to the script, where the server would stop reading flags.
  if (hasSeparator && !call.manager.separator) return { argv };
  const args = [
    ...(call.manager.separator && !hasSeparator ? ['--'] : []),
    server.flag,
    String(port),
  ];
  return { argv: [...argv, ...args], appended: { server: server.bin, args } };
}
