// The one place that asks which OS pm runs on: everything else gets the Platform picked here
// (or, in tests, one for another OS). Each OS's native code loads only when first used.
import type { Platform, ProcessInspector, Scanner, ScannerMode } from '../core/ports.js';
import { darwinPlatform } from './darwin/index.js';
import { linuxPlatform } from './linux/index.js';
import { createProcessTree } from './linux/tree.js';
import { platformWithoutBackend } from './shared/native-platform.js';
import { win32Platform } from './win32/index.js';

export type {
  Family,
  Listener,
  ProcessDetail,
  ProcessDetailField,
  ProcessInspector,
  ProcessSocket,
  Protocol,
  Scanner,
  ScanOptions,
  ScanOutcome,
} from '../core/ports.js';

/** The Platform for `name`: a new one, with its own scanner caches and inspector. */
export function platformFor(name: NodeJS.Platform): Platform {
  switch (name) {
    case 'linux':
      return linuxPlatform();
    case 'darwin':
      return darwinPlatform();
    case 'win32':
      return win32Platform();
    default:
      return platformWithoutBackend(name, createProcessTree({ platform: name }));
  }
}

let current: Platform | undefined;

/** The OS pm runs on, picked once. */
export function currentPlatform(): Platform {
  current ??= platformFor(process.platform);
  return current;
}

export interface ScannerOptions {
  /** Defaults to the OS pm runs on. */
  readonly platform?: NodeJS.Platform;
  /**
   * 'none' disables scanning; on Linux 'procfs' forces the /proc/net fallback and 'netlink'
   * forbids it. Used by tests and by users in sandboxes that misbehave.
   */
  readonly mode?: string;
  /** Where the scanner may keep its caches; without one it keeps them in memory only. */
  readonly cacheDirectory?: () => string;
}

/** A socket scanner for `options.platform` (default: this OS), for the API and tests. */
export function scannerFor(options: ScannerOptions = {}): Scanner {
  const mode = (options.mode ?? '').toLowerCase();
  return (options.platform ? platformFor(options.platform) : currentPlatform()).scanner({
    mode: mode === '' ? undefined : (mode as ScannerMode),
    cacheDirectory: options.cacheDirectory,
  });
}

/** Per-process detail, start time and parent (docs/platforms.md), for the API and tests. */
export function createProcessInspector(
  options: Pick<ScannerOptions, 'platform'> = {},
): ProcessInspector {
  return platformFor(options.platform ?? process.platform).inspector;
}
