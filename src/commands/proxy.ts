// `pm proxy`: every allocation by name through Caddy, in the foreground like `pm run`. pm
// writes the Caddyfile from the registry, starts `caddy run` with it, and while it runs loads
// every registry change through Caddy's admin API. `pm proxy --print` prints that Caddyfile,
// `pm proxy trust` runs `caddy trust`, `pm export caddy|traefik|nginx` static configs.
import { PmError } from '../core/errors.js';
import {
  DEFAULT_PROXY,
  EXPORT_FORMATS,
  type ExportFormat,
  exportConfig,
  type ProxyEndpoint,
  type ProxyRoute,
  proxyCaddyfile,
  proxyRoutes,
  proxyUrl,
} from '../core/model/proxy-config.js';
import {
  accepts,
  CADDY_INSTALL,
  caddyEnvironment,
  findOnPath,
  type LoadOutcome,
  loadCaddyfile,
  type ProxyFiles,
  probeProxy,
  removeProxyState,
  runningHttpsPort,
  writeCaddyfile,
  writeProxyState,
} from '../os/shared/caddy.js';
import { type ChildOutcome, runCommand } from '../os/shared/child-process.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const proxySpec: CommandSpec = {
  name: 'proxy',
  usage: [
    'proxy [--http-port N] [--https-port N] [--admin ADDR]',
    'proxy --print   (the Caddyfile it would run)',
    'proxy trust   (caddy trust: browsers then trust its HTTPS)',
  ],
  summary:
    'every allocation by name, http(s)://<service>.<project>.localhost, through Caddy; follows the registry',
  examples: [
    'pm proxy',
    'pm proxy --print > Caddyfile',
    'pm proxy trust',
    'pm proxy --http-port 80 --https-port 443',
  ],
  flags: ['print', 'http-port', 'https-port', 'admin'],
  run: ({ ctx, input, flags, env, environment }) =>
    runProxy(ctx, input, flags, {
      env,
      platform: environment.platform,
      files: environment.proxyFiles,
    }),
};

export const exportSpec: CommandSpec = {
  name: 'export',
  usage: ['export caddy|traefik|nginx'],
  summary: "every allocation's name as a static config for a proxy you run yourself",
  examples: ['pm export caddy > pm.caddy', 'pm export traefik > pm.yml', 'pm export nginx'],
  flags: [],
  run: ({ ctx, input }) => runExport(ctx, input),
};

type Env = Readonly<Record<string, string | undefined>>;

export interface ProxyFlags {
  readonly print: boolean;
  readonly 'http-port'?: number | undefined;
  readonly 'https-port'?: number | undefined;
  readonly admin?: string | undefined;
}

export interface ProxyHooks {
  readonly env: Env;
  readonly platform: NodeJS.Platform;
  readonly files: ProxyFiles | undefined;
  /** Starts Caddy (tests may replace it). */
  readonly start?: typeof runCommand;
  /** How often the registry is re-read besides the watch (a watch may be impossible). */
  readonly pollMs?: number;
}

const USAGE = usageLine(proxySpec);
/** How long Caddy may take to answer on its admin address after it started. */
const START_TIMEOUT_MS = 20_000;

export function proxyEndpoint(flags: ProxyFlags): ProxyEndpoint {
  const endpoint: ProxyEndpoint = {
    httpPort: flags['http-port'] ?? DEFAULT_PROXY.httpPort,
    httpsPort: flags['https-port'] ?? DEFAULT_PROXY.httpsPort,
    admin: flags.admin ?? DEFAULT_PROXY.admin,
  };
  if (endpoint.httpPort === endpoint.httpsPort) {
    throw new PmError(
      'USAGE',
      `--http-port and --https-port are both ${endpoint.httpPort}: HTTP and HTTPS need a port each`,
      'give them different ports',
    );
  }
  const adminPort = Number(endpoint.admin.slice(endpoint.admin.lastIndexOf(':') + 1));
  if (adminPort === endpoint.httpPort || adminPort === endpoint.httpsPort) {
    throw new PmError(
      'USAGE',
      `the admin address ${endpoint.admin} uses a port the proxy serves names on`,
      'give --admin a port of its own',
    );
  }
  return endpoint;
}

function requireCaddy(hooks: ProxyHooks): string {
  const caddy = findOnPath('caddy', hooks.env, hooks.platform);
  if (caddy !== undefined) return caddy;
  throw new PmError(
    'NO_CADDY',
    'pm proxy needs Caddy, and there is no caddy on PATH',
    CADDY_INSTALL,
  );
}

function requireFiles(hooks: ProxyHooks): ProxyFiles {
  if (hooks.files !== undefined) return hooks.files;
  throw new PmError(
    'IO',
    'no directory to keep the proxy’s certificates in: HOME is not set and this user has no entry in the password database',
    'set HOME or XDG_DATA_HOME',
  );
}

async function currentRoutes(ctx: Context): Promise<ProxyRoute[]> {
  return proxyRoutes((await ctx.deps.store.read()).registry);
}

export async function runProxy(
  ctx: Context,
  input: readonly string[],
  flags: ProxyFlags,
  hooks: ProxyHooks,
): Promise<number> {
  expectArgs(input, 0, 1, USAGE);
  if (input[0] !== undefined && input[0] !== 'trust') {
    throw new PmError('USAGE', `unknown proxy action '${sanitize(input[0])}': usage: ${USAGE}`, {
      kind: 'help',
    });
  }
  if (input[0] === 'trust') return trust(ctx, hooks);
  const endpoint = proxyEndpoint(flags);
  if (flags.print) {
    ctx.io.out(proxyCaddyfile(await currentRoutes(ctx), endpoint).trimEnd());
    return 0;
  }
  return serve(ctx, endpoint, hooks);
}

/**
 * `caddy trust`: installs pm's local CA where the OS trusts it. Caddy fetches the CA from a
 * running instance's admin API (by default Caddy's own localhost:2019, which may be the
 * user's own Caddy with another CA), so pm names its running proxy's address.
 */
async function trust(ctx: Context, hooks: ProxyHooks): Promise<number> {
  const caddy = requireCaddy(hooks);
  const files = requireFiles(hooks);
  const running = await probeProxy(files);
  if (running === undefined) {
    throw new PmError(
      'PROXY_NOT_RUNNING',
      'pm proxy trust installs the CA of the running pm proxy, and none runs',
      'start pm proxy (in another terminal), then run pm proxy trust again',
    );
  }
  const start = hooks.start ?? runCommand;
  const outcome = await start([caddy, 'trust', '--address', running.admin], {
    env: caddyEnvironment(files, hooks.env),
  }).done;
  if (outcome.kind === 'failed') ctx.io.err(`pm: ${sanitize(outcome.reason)}`);
  return outcome.code;
}

function describe(routes: readonly ProxyRoute[], endpoint: ProxyEndpoint): string[] {
  return routes.map(
    (route) =>
      `  ${proxyUrl(route.host, endpoint)} -> localhost:${route.port} (${sanitize(route.project)}/${sanitize(route.service)})`,
  );
}

async function serve(ctx: Context, endpoint: ProxyEndpoint, hooks: ProxyHooks): Promise<number> {
  const caddy = requireCaddy(hooks);
  const files = requireFiles(hooks);
  const running = await probeProxy(files);
  if (running !== undefined) {
    throw new PmError(
      'PROXY_RUNNING',
      `pm proxy already runs (admin ${running.admin}, HTTP port ${running.httpPort}, HTTPS port ${running.httpsPort})`,
      'use that one: it follows the registry already; or stop it first',
    );
  }
  const routes = await currentRoutes(ctx);
  const loaded = proxyCaddyfile(routes, endpoint);
  writeCaddyfile(files, loaded);
  const start = hooks.start ?? runCommand;
  const child = start([caddy, 'run', '--config', files.caddyfile, '--adapter', 'caddyfile'], {
    env: caddyEnvironment(files, hooks.env),
  });
  const exited = child.done.then((outcome) => ({ exited: outcome }));
  const stopWaiting = { stopped: false };
  const ready = await Promise.race([exited, waitForAdmin(endpoint, stopWaiting)]);
  stopWaiting.stopped = true;
  if ('exited' in ready) return caddyEnded(ctx, ready.exited, endpoint, false);
  if (!ready.answered) {
    ctx.io.err(
      `pm: Caddy runs, but its admin address ${endpoint.admin} or its HTTP port ${endpoint.httpPort} does not answer yet`,
    );
  }
  writeProxyState(files, endpoint, child.pid);
  ctx.io.err(
    `pm proxy: ${routes.length} name${routes.length === 1 ? '' : 's'} on http://*.localhost:${endpoint.httpPort} and https://*.localhost:${endpoint.httpsPort} (admin ${endpoint.admin}); Ctrl-C stops it`,
  );
  for (const line of describe(routes, endpoint)) ctx.io.err(line);

  const reload = createReloader({
    routes,
    loaded,
    read: () => currentRoutes(ctx),
    render: (next) => proxyCaddyfile(next, endpoint),
    load: (text) => loadCaddyfile(endpoint.admin, text),
    say: (text) => ctx.io.err(text),
    save: (text) => writeCaddyfile(files, text),
  });
  const unfollow = ctx.deps.store.follow(reload);
  const poll = setInterval(reload, hooks.pollMs ?? 2000);
  try {
    return caddyEnded(ctx, await child.done, endpoint, true);
  } finally {
    clearInterval(poll);
    unfollow();
    removeProxyState(files);
  }
}

export interface ReloaderParts {
  /** What Caddy serves now, and the Caddyfile it was given. */
  readonly routes: readonly ProxyRoute[];
  readonly loaded: string;
  readonly read: () => Promise<ProxyRoute[]>;
  readonly render: (routes: readonly ProxyRoute[]) => string;
  readonly load: (text: string) => Promise<LoadOutcome>;
  readonly say: (text: string) => void;
  readonly save: (text: string) => void;
}

/**
 * The registry-to-Caddy step, run on every registry change: one at a time (a change during a
 * load is picked up by the next call), only when the config differs, and a refused config is
 * reported once, with Caddy's reason, while the old one keeps serving.
 */
export function createReloader(parts: ReloaderParts): () => Promise<void> {
  let { routes, loaded } = parts;
  let refused: string | undefined;
  let queue: Promise<void> = Promise.resolve();
  const step = async () => {
    let next: ProxyRoute[];
    try {
      next = await parts.read();
    } catch (error) {
      parts.say(
        `pm proxy: the registry cannot be read, the names stay as they are: ${sanitize(error instanceof Error ? error.message : String(error))}`,
      );
      return;
    }
    const text = parts.render(next);
    if (text === loaded || text === refused) return;
    const outcome = await parts.load(text);
    if (!outcome.ok) {
      refused = text;
      parts.say(
        `pm proxy: Caddy refused the new config and keeps serving the old one: ${sanitize(outcome.reason)}`,
      );
      return;
    }
    parts.say(`pm proxy: ${changeSummary(routes, next)}`);
    routes = next;
    loaded = text;
    refused = undefined;
    parts.save(text);
  };
  return () => {
    // A step that throws (the Caddyfile copy cannot be written) must not stop later ones.
    queue = queue.then(step).catch((error: unknown) => {
      parts.say(`pm proxy: ${sanitize(error instanceof Error ? error.message : String(error))}`);
    });
    return queue;
  };
}

/**
 * Polls until the admin address answers with pm's HTTPS port and the HTTP port accepts
 * connections (Caddy shows a new config on its admin API before its servers listen), the
 * time is up, or Caddy ended.
 */
async function waitForAdmin(
  endpoint: ProxyEndpoint,
  until: { readonly stopped: boolean },
): Promise<{ answered: boolean }> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !until.stopped) {
    if (
      (await runningHttpsPort(endpoint.admin, 500)) === endpoint.httpsPort &&
      (await accepts(endpoint.httpPort, 500))
    ) {
      return { answered: true };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { answered: false };
}

function caddyEnded(
  ctx: Context,
  outcome: ChildOutcome,
  endpoint: ProxyEndpoint,
  started: boolean,
): number {
  if (outcome.kind === 'failed') {
    ctx.io.err(`pm: ${sanitize(outcome.reason)}`);
  } else if (outcome.code !== 0) {
    ctx.io.err(
      `pm: Caddy exited with code ${outcome.code}${started ? '' : ' before it served anything'}; if a port is taken, choose others: --http-port N (now ${endpoint.httpPort}), --https-port N (now ${endpoint.httpsPort}), --admin ADDR (now ${endpoint.admin})`,
    );
  }
  return outcome.code;
}

/** "added web.shop.localhost; removed api.shop.localhost" */
export function changeSummary(before: readonly ProxyRoute[], after: readonly ProxyRoute[]): string {
  const key = (route: ProxyRoute) => `${route.host} ${route.port}`;
  const old = new Set(before.map(key));
  const now = new Set(after.map(key));
  const added = after.filter((route) => !old.has(key(route)));
  const removed = before.filter((route) => !now.has(key(route)));
  const parts = [
    ...(added.length > 0
      ? [`added ${added.map((route) => `${route.host} -> ${route.port}`).join(', ')}`]
      : []),
    ...(removed.length > 0 ? [`removed ${removed.map((route) => route.host).join(', ')}`] : []),
  ];
  return parts.length > 0 ? `loaded: ${parts.join('; ')}` : 'loaded the changed registry';
}

export function parseExportFormat(value: string | undefined): ExportFormat {
  if (value !== undefined && (EXPORT_FORMATS as readonly string[]).includes(value)) {
    return value as ExportFormat;
  }
  throw new PmError(
    'USAGE',
    value === undefined
      ? `missing the format: usage: pm export ${EXPORT_FORMATS.join('|')}`
      : `unknown export format '${sanitize(value)}': one of ${EXPORT_FORMATS.join(', ')}`,
    { kind: 'help' },
  );
}

/** `pm export caddy|traefik|nginx`: a static config of every name, for a proxy the user runs. */
export async function runExport(ctx: Context, input: readonly string[]): Promise<number> {
  expectArgs(input, 0, 1, `pm export ${EXPORT_FORMATS.join('|')}`);
  const format = parseExportFormat(input[0]);
  ctx.io.out(exportConfig(format, await currentRoutes(ctx)).trimEnd());
  return 0;
}
