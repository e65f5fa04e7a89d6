// pm's Settings: every environment variable pm reads, read and checked once, here, and
// passed down (nothing below src/cli reads process.env). A bad value is a usage error naming
// the variable, instead of a Node warning or a silently ignored setting. The CLI builds them
// from its io, the programmatic API from its options and the process's environment.
import { isAbsolute, resolve } from 'node:path';
import { PmError } from '../core/errors.js';
import type { ScannerChoice, ScannerMode } from '../core/ports.js';
import { resolveRegistryPath as registryPathFor } from '../core/store/location.js';
import { currentPlatform } from '../os/index.js';
import { type ProxyFiles, proxyFiles } from '../os/shared/caddy.js';
import { homeDirectory } from '../os/shared/home.js';
import { cacheDirectory } from '../os/shared/private-cache.js';
import { colorWanted } from '../view/style.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Settings {
  /** --registry, else $PM_REGISTRY, else the per-user default for this OS. */
  readonly registryPath: string;
  readonly scannerMode: ScannerMode | undefined;
  readonly lockStaleMs: number | undefined;
  readonly lockTimeoutMs: number | undefined;
  /** Where the container engine's API socket is: DOCKER_HOST, and Podman's runtime directory. */
  readonly containerEngine: { readonly host?: string; readonly runtimeDir?: string };
  /** $HOME, else the password database's; undefined when there is none. */
  readonly home: string | undefined;
  /** pm's private cache directory ($PM_CACHE_DIR, else the OS's), found when first asked. */
  readonly cacheDirectory: () => string;
  /** Colour for stdout, given the --no-color flag; NO_COLOR, FORCE_COLOR and TERM decide too. */
  readonly color: (flag: boolean) => boolean;
  readonly platform: NodeJS.Platform;
  /** pm proxy's files ($XDG_DATA_HOME/port-manager/proxy); undefined with no home at all. */
  readonly proxyFiles: ProxyFiles | undefined;
}

/** Names and meanings, for `pm --help` and for the checks below. */
export const ENVIRONMENT_VARIABLES = {
  PM_REGISTRY: 'registry file when --registry is not given',
  PM_SCANNER: "'none' turns scanning off; on Linux 'procfs' or 'netlink' forces that backend",
  PM_LOCK_STALE_MS:
    'a lock of another machine or an older pm not refreshed for this long is taken over',
  PM_LOCK_TIMEOUT_MS:
    'how long one live lock holder may keep the lock without progress before a waiter gives up',
  XDG_DATA_HOME: "pm proxy keeps Caddy's CA and certificates in $XDG_DATA_HOME/port-manager/proxy",
  PM_CACHE_DIR:
    'where pm keeps its caches: socket owners (Linux), compiled code; hints only, safe to delete',
  DOCKER_HOST: "the container engine's socket (unix://PATH); else Docker's or Podman's usual one",
  NO_COLOR: 'any value turns colours off',
} as const;

const SCANNER_MODES: readonly ScannerMode[] = ['none', 'off', 'procfs', 'netlink'];

/** Timers above 2^31-1 ms overflow in Node (and fire after 1 ms); a day is plenty. */
const MAX_LOCK_MS = 86_400_000;

export function readSettings(
  env: Env,
  options: { readonly cwd: string; readonly registryFlag?: string; readonly isTTY: boolean },
  platform: NodeJS.Platform = currentPlatform().name as NodeJS.Platform,
): Settings {
  const fromEnv = env.PM_REGISTRY;
  const home = homeDirectory(env);
  const registryPath = registryPathFor(
    options.registryFlag ?? (fromEnv ? resolve(options.cwd, fromEnv) : undefined),
    env,
    platform,
    homeDirectory,
  );
  let cache: string | undefined;
  return {
    registryPath,
    scannerMode: scannerMode(env.PM_SCANNER),
    lockStaleMs: milliseconds(env, 'PM_LOCK_STALE_MS'),
    lockTimeoutMs: milliseconds(env, 'PM_LOCK_TIMEOUT_MS'),
    ...checkedCacheDir(env.PM_CACHE_DIR),
    containerEngine: {
      ...(env.DOCKER_HOST ? { host: env.DOCKER_HOST } : {}),
      ...(env.XDG_RUNTIME_DIR ? { runtimeDir: env.XDG_RUNTIME_DIR } : {}),
    },
    home,
    cacheDirectory: () => {
      cache ??= cacheDirectory(env);
      return cache;
    },
    color: (flag) => colorWanted(flag, { isTTY: options.isTTY }, env),
    platform,
    proxyFiles: proxyFiles(env, platform),
  };
}

/**
 * The programmatic API's Settings: its options, then this process's environment, by the
 * CLI's rules.
 */
export function processSettings(
  options: { readonly registry?: string | undefined } = {},
): Settings {
  return readSettings(process.env, {
    cwd: process.cwd(),
    isTTY: false,
    ...(options.registry !== undefined ? { registryFlag: options.registry } : {}),
  });
}

/** The API's scanner: PM_SCANNER and PM_CACHE_DIR of this process, by the CLI's rules. */
export function processScannerChoice(): ScannerChoice {
  const env = process.env;
  let cache: string | undefined;
  return {
    mode: scannerMode(env.PM_SCANNER),
    cacheDirectory: () => {
      cache ??= cacheDirectory(env);
      return cache;
    },
  };
}

/** --registry, then $PM_REGISTRY, then the per-user config directory (README, "The registry"). */
export function resolveRegistryPath(
  flag?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = currentPlatform().name as NodeJS.Platform,
): string {
  return registryPathFor(flag, env, platform, homeDirectory);
}

function scannerMode(raw: string | undefined): ScannerMode | undefined {
  if (raw === undefined || raw === '') return undefined;
  const mode = raw.toLowerCase();
  if (!(SCANNER_MODES as readonly string[]).includes(mode)) {
    throw new PmError(
      'USAGE',
      `invalid PM_SCANNER '${raw}': one of ${SCANNER_MODES.join(', ')}`,
      'unset PM_SCANNER to let pm choose the scanner',
    );
  }
  return mode as ScannerMode;
}

/** A relative PM_CACHE_DIR would name a directory of whatever checkout pm runs in. */
function checkedCacheDir(raw: string | undefined): object {
  if (raw !== undefined && raw !== '' && !isAbsolute(raw)) {
    throw new PmError(
      'USAGE',
      `invalid PM_CACHE_DIR '${raw}': an absolute path`,
      'set PM_CACHE_DIR to an absolute path, or unset it for the per-user cache directory',
    );
  }
  return {};
}

function milliseconds(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > MAX_LOCK_MS) {
    throw new PmError(
      'USAGE',
      `invalid ${name} '${raw}': whole milliseconds from 0 to ${MAX_LOCK_MS}`,
      `unset ${name} for the default`,
    );
  }
  return value;
}

/** Where the registry lives by default on this OS, as help should word it. */
export function defaultRegistryDescription(
  platform: NodeJS.Platform = currentPlatform().name as NodeJS.Platform,
): string {
  return platform === 'win32'
    ? '%APPDATA%\\port-manager\\registry.toml'
    : '$XDG_CONFIG_HOME/port-manager/registry.toml (default ~/.config/port-manager/registry.toml)';
}
