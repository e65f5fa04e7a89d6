// Which program a process runs, for the PROCESS column. The kernel names the executable, and
// for interpreters that is always 'node' or 'python3': four dev servers would all read 'node'.
// The program is in the command line, after the interpreter's own flags. The rules and their
// examples are in docs/process-names.md; every case there is a test.

/** How an interpreter's command line reads: which flags take the next word as their value. */
interface Interpreter {
  /** Flags whose value is the next word (`-r x`), unless written `--flag=x`. */
  readonly valueFlags: ReadonlySet<string>;
  /** Flags whose value is inline code: no script file follows, so no program to name. */
  readonly inlineFlags: ReadonlySet<string>;
  /** Single-letter flags that take a value, so `-Xdev` / `-X dev` both consume it (python, perl, php). */
  readonly clusteredValueLetters?: string;
  /** A flag whose value *is* the program (`python -m http.server`, `java -jar x.jar`). */
  readonly programFlags?: ReadonlySet<string>;
  /** Sub-commands that come before the script (`deno run main.ts`, `bun run server.ts`). */
  readonly subcommands?: ReadonlySet<string>;
}

const set = (...words: string[]): ReadonlySet<string> => new Set(words);

const NODE: Interpreter = {
  valueFlags: set(
    '-r',
    '--require',
    '--import',
    '--loader',
    '--experimental-loader',
    '-C',
    '--conditions',
    '--env-file',
    '--env-file-if-exists',
    '--inspect-port',
    '--debug-port',
    '--title',
    '--input-type',
    '--watch-path',
    '--experimental-config-file',
    '--test-reporter',
    '--test-reporter-destination',
    '--cpu-prof-dir',
    '--heap-prof-dir',
    '--diagnostic-dir',
    '--redirect-warnings',
    '--openssl-config',
    '--icu-data-dir',
    '--max-http-header-size',
    '--stack-trace-limit',
    '--disable-warning',
  ),
  inlineFlags: set('-e', '--eval', '-p', '--print'),
};

const BUN: Interpreter = {
  valueFlags: set(
    '-r',
    '--preload',
    '--require',
    '--import',
    '--env-file',
    '--config',
    '-c',
    '--cwd',
    '--port',
    '--tsconfig-override',
    '--conditions',
    '--define',
    '-d',
    '--loader',
    '-l',
  ),
  inlineFlags: set('-e', '--eval', '-p', '--print'),
  subcommands: set('run'),
};

const DENO: Interpreter = {
  valueFlags: set(
    '-c',
    '--config',
    '--import-map',
    '--lock',
    '--cert',
    '--location',
    '--seed',
    '--env-file',
    '--port',
    '--host',
  ),
  inlineFlags: set(),
  subcommands: set('run', 'serve'),
};

const PYTHON: Interpreter = {
  valueFlags: set('--check-hash-based-pycs'),
  inlineFlags: set('-c'),
  clusteredValueLetters: 'mcXW',
  programFlags: set('-m'),
};

const RUBY: Interpreter = {
  valueFlags: set('-I', '-r', '-C', '-E', '--encoding', '--external-encoding'),
  inlineFlags: set('-e'),
  clusteredValueLetters: 'IrCEe',
};

const PERL: Interpreter = {
  valueFlags: set('-I', '-M', '-m', '-x', '-C'),
  inlineFlags: set('-e', '-E'),
  clusteredValueLetters: 'IMmeE',
};

const PHP: Interpreter = {
  // -S address:port is the built-in web server; its optional router script names the program.
  valueFlags: set('-S', '-t', '-c', '-d', '-z'),
  inlineFlags: set('-r', '-B', '-R', '-E'),
  clusteredValueLetters: 'Stcdzf',
  programFlags: set('-f'),
};

const JAVA: Interpreter = {
  valueFlags: set(
    '-cp',
    '-classpath',
    '--class-path',
    '-p',
    '--module-path',
    '--upgrade-module-path',
    '--add-modules',
    '--limit-modules',
    '--add-opens',
    '--add-exports',
    '--add-reads',
    '--patch-module',
    '--enable-native-access',
    '-javaagent',
  ),
  inlineFlags: set(),
  programFlags: set('-jar', '-m', '--module'),
};

const INTERPRETERS: readonly (readonly [RegExp, Interpreter])[] = [
  [/^(node|nodejs)$/, NODE],
  [/^bun$/, BUN],
  [/^deno$/, DENO],
  [/^(python|pythonw|py|pypy)[0-9.]*[tmdw]?$/, PYTHON],
  [/^ruby[0-9.]*$/, RUBY],
  [/^perl[0-9.]*$/, PERL],
  [/^php[0-9.]*(-cli|-cgi)?$/, PHP],
  [/^javaw?$/, JAVA],
];

/**
 * Programs that retitle themselves with a name users do not type: Next.js's server calls
 * itself `next-server (v16.5.0)`.
 */
const TITLE_PROGRAMS: Readonly<Record<string, string>> = { 'next-server': 'next' };

/** Linux keeps this much of a process name (TASK_COMM_LEN 16, with the NUL). */
const LINUX_NAME_BYTES = 15;

/** Package runners: `npx vite` runs vite. */
const RUNNERS: ReadonlySet<string> = set('npx', 'pnpx', 'bunx');
/** Runners with an exec sub-command: `pnpm exec vite`, `yarn dlx x`, `bundle exec rails`. */
const EXEC_WORDS: ReadonlySet<string> = set('exec', 'dlx', 'x');
/** Script runners: `npm run dev` runs the project's script named dev. */
const SCRIPT_RUNNERS: ReadonlySet<string> = set('npm', 'pnpm', 'yarn', 'bun', 'deno', 'bundle');
/** Wrapper file names as node sees them (`node …/npm/bin/npm-cli.js run dev`). */
const WRAPPER_ALIASES: Readonly<Record<string, string>> = {
  'npm-cli': 'npm',
  'npx-cli': 'npx',
};
/** Script-runner words that are not a script name. */
const RUN_WORDS: ReadonlySet<string> = set('run', 'run-script', 'task');
/** What `npm start` and friends run, spelled as users type them. */
const BUILT_IN_SCRIPTS: ReadonlySet<string> = set('start', 'test', 'dev', 'serve');

/** The base name of a Unix or Windows path, without a Windows '.exe'. */
function baseName(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const base = path.slice(slash + 1);
  return base.toLowerCase().endsWith('.exe') ? base.slice(0, -4) : base;
}

function interpreterOf(name: string): Interpreter | undefined {
  const lower = name.toLowerCase();
  return INTERPRETERS.find(([pattern]) => pattern.test(lower))?.[1];
}

/**
 * The name a script path is known by. Inside node_modules: the command in a bin directory
 * (`…/node_modules/.bin/vite`, `…/next/dist/bin/next` -> 'vite', 'next'), else the package
 * (`…/node_modules/vite/dist/node/cli.js` -> 'vite'). Elsewhere: the file name, extension
 * kept (`server.js`, `app.py`, `.venv/bin/uvicorn` -> 'uvicorn').
 */
export function scriptName(path: string): string {
  const parts = path
    .replaceAll('\\', '/')
    .split('/')
    .filter((part) => part !== '');
  const file = parts.at(-1) ?? path;
  const parent = parts.at(-2);
  const inModules = parts.lastIndexOf('node_modules');
  if (inModules >= 0) {
    if (parent === '.bin' || parent === 'bin') return stripScriptExtension(file);
    const scope = parts[inModules + 1];
    const name = scope?.startsWith('@') ? `${scope}/${parts[inModules + 2] ?? ''}` : scope;
    if (name && name !== '.bin') return name;
  }
  return file;
}

function stripScriptExtension(file: string): string {
  return file.replace(/\.(c|m)?js$/, '');
}

/** Words after `start`, flags skipped, stopping at `--`. */
function firstOperand(argv: readonly string[], start: number): number {
  for (let i = start; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!word.startsWith('-')) return i;
  }
  return -1;
}

/** A package spec without its version: 'create-vite@5' -> 'create-vite', '@a/b@1' -> '@a/b'. */
function packageName(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at > 0 ? spec.slice(0, at) : spec;
}

/**
 * `npm run dev`, `npx vite`, `pnpm exec vite`, `bundle exec rails server`: what the wrapper
 * runs. Undefined when the words name nothing (a bare `npm`).
 */
function wrapperProgram(tool: string, argv: readonly string[], start: number): string | undefined {
  if (RUNNERS.has(tool)) {
    const at = firstOperand(argv, start);
    return at < 0 ? undefined : packageName(baseName(argv[at] ?? ''));
  }
  const at = firstOperand(argv, start);
  if (at < 0) return undefined;
  const word = argv[at] ?? '';
  if (EXEC_WORDS.has(word)) {
    const next = firstOperand(argv, at + 1);
    return next < 0 ? undefined : packageName(baseName(argv[next] ?? ''));
  }
  if (RUN_WORDS.has(word)) {
    const next = firstOperand(argv, at + 1);
    if (next < 0) return undefined;
    const script = argv[next] ?? '';
    // `bun run server.ts`, `deno run main.ts`: a file, not a script of package.json.
    if (/[./\\]/.test(script)) return scriptName(script);
    return tool === 'bundle' ? script : `${tool} run ${script}`;
  }
  if (tool === 'npm' && !BUILT_IN_SCRIPTS.has(word)) return undefined;
  return `${tool} ${word}`;
}

type Operand = { readonly at: number } | { readonly program: string | undefined };

/**
 * The first operand at or after `start`, the interpreter's flags and their values skipped.
 * A flag that ends the search answers with its program (`-m http.server`) or with none
 * (`-e code`: inline code, no file to name).
 */
function nextOperand(interpreter: Interpreter, argv: readonly string[], start: number): Operand {
  for (let i = start; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--') return i + 1 < argv.length ? { at: i + 1 } : { program: undefined };
    if (word === '-') return { program: undefined }; // script from stdin
    if (!word.startsWith('-')) return { at: i };
    const equals = word.indexOf('=');
    const flag = equals > 0 ? word.slice(0, equals) : word;
    if (interpreter.inlineFlags.has(flag)) return { program: undefined };
    if (interpreter.programFlags?.has(flag)) {
      const value = equals > 0 ? word.slice(equals + 1) : argv[i + 1];
      return { program: value === undefined ? undefined : flagProgram(flag, value) };
    }
    if (interpreter.valueFlags.has(flag)) {
      if (equals < 0) i++;
      continue;
    }
    // Clustered single-letter flags: `-u`, `-uB`, `-Xdev`, `-X dev`, `-um http.server`, `-Ilib`.
    const letters = interpreter.clusteredValueLetters;
    if (!letters || word.startsWith('--')) continue;
    for (let at = 1; at < word.length; at++) {
      const letter = word[at] ?? '';
      if (!letters.includes(letter)) continue;
      const flagWord = `-${letter}`;
      if (interpreter.inlineFlags.has(flagWord)) return { program: undefined };
      const attached = word.slice(at + 1);
      const value = attached !== '' ? attached : argv[i + 1];
      if (attached === '') i++;
      if (interpreter.programFlags?.has(flagWord)) {
        return { program: value === undefined ? undefined : flagProgram(flagWord, value) };
      }
      break;
    }
  }
  return { program: undefined };
}

function looksLikeFile(word: string): boolean {
  return /[./\\]/.test(word);
}

/** The program an interpreter runs, or undefined (inline code, a REPL, nothing recognisable). */
function interpretedProgram(
  tool: string,
  interpreter: Interpreter,
  argv: readonly string[],
): string | undefined {
  const operand = nextOperand(interpreter, argv, 1);
  if (!('at' in operand)) return operand.program;
  const word = argv[operand.at] ?? '';
  if (interpreter === JAVA) return looksLikePath(word) ? baseName(word) : lastSegment(word);
  if (!interpreter.subcommands) return programFromScript(word, argv, operand.at + 1);
  // bun and deno are launchers too: `bun x vite`, `bun run dev`, `deno task dev`.
  if (EXEC_WORDS.has(word) || RUN_WORDS.has(word) || interpreter.subcommands.has(word)) {
    const next = nextOperand(interpreter, argv, operand.at + 1);
    if (!('at' in next)) return next.program;
    const target = argv[next.at] ?? '';
    if (EXEC_WORDS.has(word)) return packageName(baseName(target));
    if (looksLikeFile(target)) return scriptName(target);
    return `${tool} ${word === 'task' ? 'task' : 'run'} ${target}`;
  }
  return programFromScript(word, argv, operand.at + 1);
}

function looksLikePath(word: string): boolean {
  return /[/\\]/.test(word) || word.endsWith('.jar');
}

function flagProgram(flag: string, value: string): string {
  if (flag === '-jar') return baseName(value);
  if (flag === '-m' || flag === '--module') {
    // java -m module/pkg.Main names the class; python -m http.server the module.
    const slash = value.indexOf('/');
    return slash >= 0 ? lastSegment(value.slice(slash + 1)) : value;
  }
  return scriptName(value);
}

function lastSegment(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

/** A script an interpreter runs; a package-manager script continues as that wrapper. */
function programFromScript(script: string, argv: readonly string[], rest: number): string {
  const name = scriptName(script);
  const bare = stripScriptExtension(name);
  const wrapper = WRAPPER_ALIASES[bare] ?? bare;
  if (RUNNERS.has(wrapper) || SCRIPT_RUNNERS.has(wrapper)) {
    return wrapperProgram(wrapper, argv, rest) ?? wrapper;
  }
  return name;
}

/**
 * The program a process runs, for people: `vite` for `node …/node_modules/.bin/vite`,
 * `http.server` for `python3 -m http.server`, `server.js` for `node server.js`. Processes
 * that are not interpreters or launchers keep their kernel name. Without a readable command
 * line the kernel name is all there is.
 *
 * A process may rewrite its own command line (node's `process.title`): a single word with
 * spaces is a title. A launcher's title (`npm run dev`) is read as the words it was made
 * of; an interpreter's (`node (vitest 1)`) is shown as it is.
 */
export function programName(
  kernelName: string | undefined,
  argv: readonly string[] | undefined,
): string | undefined {
  const whole = argv?.[0];
  if (!argv || whole === undefined) return kernelName;
  const title = argv.length === 1 && whole.includes(' ');
  const words = title ? whole.split(/\s+/) : argv;
  const first = baseName(words[0] ?? '');
  const tool = WRAPPER_ALIASES[first] ?? first;
  const interpreter = interpreterOf(first);
  // An interpreter that retitled itself ('node (vitest 1)') chose its own name: keep it.
  if (interpreter && title) return whole;
  if (interpreter) return interpretedProgram(tool, interpreter, words) ?? kernelName ?? first;
  if (RUNNERS.has(tool) || SCRIPT_RUNNERS.has(tool)) {
    return wrapperProgram(tool, words, 1) ?? kernelName ?? tool;
  }
  // Any other title names its program by its first word: Angular's `ng serve --port 3020`
  // is `ng`, never the whole command line.
  if (title && first !== '') return TITLE_PROGRAMS[first] ?? first;
  // The kernel keeps 15 bytes of a name (Linux comm): the command line has the whole of it.
  const full = baseName(whole);
  if (kernelName?.length === LINUX_NAME_BYTES && full.startsWith(kernelName)) return full;
  return kernelName ?? (first === '' ? undefined : first);
}

/**
 * Dev-server CLIs that run the server as a child process whose own command line names only
 * its build output: `nest start` runs `node dist/main`. The server is shown as the launcher.
 */
const LAUNCHERS: ReadonlySet<string> = set('nest');
/** The build outputs such a launcher runs (Nest's default entry file). */
const LAUNCHED_ENTRIES: ReadonlySet<string> = set('main', 'main.js');
const ENTRY_WORD = /(^|[/\\])main(\.js)?$/;
/** How far up a launcher is looked for: the server, a shell between, the launcher. */
export const LAUNCHER_DEPTH = 3;

/** Whether the process runs a launcher's build output, so who started it is worth a look. */
export function mayHaveLauncher(kernelName: string | undefined, argv: readonly string[]): boolean {
  // Asked of every listener on every scan: a word that can name the entry comes first.
  if (!argv.some((word) => ENTRY_WORD.test(word))) return false;
  const interpreter = argv[0] === undefined ? undefined : interpreterOf(baseName(argv[0]));
  if (interpreter !== NODE) return false;
  const program = programName(kernelName, argv);
  return program !== undefined && LAUNCHED_ENTRIES.has(program);
}

/** The launcher an ancestor's command line runs (`nest`), if it is one. */
export function launcherOf(argv: readonly string[]): string | undefined {
  const program = programName(undefined, argv);
  return program !== undefined && LAUNCHERS.has(program) ? program : undefined;
}

/** `vite (node)` when the program is not the executable itself; the program alone otherwise. */
export function processLabel(
  kernelName: string | undefined,
  program: string | undefined,
): string | undefined {
  if (program === undefined) return kernelName;
  if (kernelName === undefined || program === kernelName) return program;
  // A title that already starts with the executable's name ('node (vitest 1)'), or the
  // whole of a name Linux cut to 15 bytes, says it once.
  if (program.startsWith(`${kernelName} `)) return program;
  // A kernel name that is the start of a title ('next-server (v1', 'ng serve --port') is no
  // executable's name: the program says it all.
  if (/\s/.test(kernelName)) return program;
  if (kernelName.length === LINUX_NAME_BYTES && program.startsWith(kernelName)) return program;
  return `${program} (${kernelName})`;
}
