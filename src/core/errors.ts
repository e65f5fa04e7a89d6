// Every failure a user can cause is a PmError: a stable code for scripts (JSON output), a message
// that says what happened, and remedies that say what to do next. Remedies are data, not
// words: src/view/remedies.ts words them per front end, so
// the model never speaks one front end's language to the other's user. Anything else that
// escapes is a bug and is reported as one.

export type ErrorCode =
  | 'USAGE'
  | 'INVALID_PORT'
  | 'INVALID_RANGE'
  | 'INVALID_NAME'
  | 'PORT_TAKEN'
  | 'PORT_IN_USE'
  | 'RANGE_EXHAUSTED'
  | 'NOT_FOUND'
  | 'REGISTRY_CORRUPT'
  | 'REGISTRY_LOCKED'
  | 'LOCK_COMPROMISED'
  | 'IO'
  | 'NO_BACKUP'
  | 'MANIFEST_INVALID'
  | 'NO_MANIFEST'
  | 'NO_PROJECT'
  /** A manifest names a project recorded at another existing directory. */
  | 'PROJECT_ELSEWHERE'
  | 'ENV_FILE_DAMAGED'
  /** `pm env --write` will not write there: a link out of the project, pm's registry, a FIFO... */
  | 'ENV_FILE_REFUSED'
  /** `pm kill` on a port nobody listens on. */
  | 'NOT_LISTENING'
  /** `pm kill` will not signal this process (init, pm, its ancestors, another user's, reused pid). */
  | 'KILL_REFUSED'
  /** `pm wait`: the service did not answer within the timeout. */
  | 'WAIT_TIMEOUT'
  /** `pm run`: the command could not be started (not found, not executable). */
  | 'COMMAND_FAILED'
  /** `pm proxy` without Caddy on PATH. */
  | 'NO_CADDY'
  /** A second `pm proxy` while one runs. */
  | 'PROXY_RUNNING'
  /** `pm proxy trust` with no `pm proxy` to fetch the CA from. */
  | 'PROXY_NOT_RUNNING';

/** The commands that infer a project when it is left out. */
export type ProjectCommand = 'allocate' | 'run' | 'env' | 'wait' | 'status';

/** What the user can do next. Several remedies on one error are alternatives ("a, b, or c"). */
export type Remedy =
  /** The list of commands and options (CLI) or keys (dashboard). */
  | { readonly kind: 'help' }
  /** Let pm pick a free port. */
  | { readonly kind: 'suggest' }
  /** Record the port although it is in use (the CLI's force; the dashboard has none). */
  | { readonly kind: 'force' }
  /** Stop the process that listens on the port. */
  | { readonly kind: 'stop-listener' }
  /** The service already has another port: free that first, then ask for `port`. */
  | {
      readonly kind: 'free-service-first';
      readonly project: string;
      readonly service: string;
      readonly port: number;
    }
  /** The port belongs to another service: free it first. */
  | { readonly kind: 'free-port-first'; readonly port: number }
  /** Free ports that are no longer needed. */
  | { readonly kind: 'free-ports' }
  /** Make the range larger (`range`: a suggestion, when there is one). */
  | {
      readonly kind: 'widen-range';
      readonly range?: { readonly start: number; readonly end: number };
    }
  /** See what is allocated. */
  | { readonly kind: 'list-allocations' }
  /** See the services of a project. */
  | { readonly kind: 'list-project'; readonly project: string }
  /** Allocate a port for the project (and service, when known). */
  | { readonly kind: 'allocate'; readonly project: string; readonly service?: string }
  /** Name the project explicitly (no recorded path holds the working directory). */
  | { readonly kind: 'name-project'; readonly command?: ProjectCommand }
  /** Declare the project and its services in a .pm.toml. */
  | { readonly kind: 'declare-manifest' }
  /** Either an exact port or a preferred start, not both. */
  | { readonly kind: 'exact-or-prefer' }
  /** What a valid project or service name looks like. */
  | { readonly kind: 'name-rule' }
  /** The registry is unreadable: repair it by hand or put the backup back. */
  | { readonly kind: 'restore-backup' }
  /** Something is off that pm's health check explains. */
  | { readonly kind: 'doctor' }
  /** The registry's place cannot work: use a registry file elsewhere. */
  | { readonly kind: 'other-registry' }
  /** Neutral prose that reads the same in every front end (no command, flag or key words). */
  | { readonly kind: 'text'; readonly text: string };

export type RemedyKind = Remedy['kind'];

/** Exit code 2 is for input the user can fix by retyping the command; 1 for everything else. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set([
  'USAGE',
  'INVALID_PORT',
  'INVALID_RANGE',
  'INVALID_NAME',
  // A command left its <project> out somewhere pm cannot infer one: name it and retry.
  'NO_PROJECT',
]);

/**
 * Marks every PmError, whichever copy of this module made it (two bundles, a dependency's
 * own copy of port-ledger): Symbol.for names one symbol per process, so the brand agrees
 * where `instanceof` would not.
 */
const BRAND = Symbol.for('port-ledger.PmError');

export class PmError extends Error {
  override readonly name = 'PmError';
  readonly code: ErrorCode;
  readonly remedies: readonly Remedy[];
  /** The message without `excerpt`: one sentence. */
  readonly headline: string;
  /**
   * Lines quoted from a file pm did not write (a TOML code frame), exactly as they are: each
   * is shown as a line of its own, sanitized. `message` ends with them, for scripts.
   */
  readonly excerpt: readonly string[];

  /** `remedy`: one remedy, alternatives, or neutral prose (taken as a `text` remedy). */
  constructor(
    code: ErrorCode,
    message: string,
    remedy?: Remedy | readonly Remedy[] | string,
    options?: { cause?: unknown; excerpt?: readonly string[] },
  ) {
    const excerpt = options?.excerpt ?? [];
    super(excerpt.length === 0 ? message : [message, ...excerpt].join('\n'), options);
    this.headline = message;
    this.excerpt = excerpt;
    this.code = code;
    this.remedies =
      remedy === undefined
        ? []
        : typeof remedy === 'string'
          ? [{ kind: 'text', text: remedy }]
          : Array.isArray(remedy)
            ? (remedy as readonly Remedy[])
            : [remedy as Remedy];
  }

  get exitCode(): 1 | 2 {
    return USAGE_CODES.has(this.code) ? 2 : 1;
  }

  /** `instanceof PmError` is the brand check too, so it agrees across copies of this module. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isPmError(value);
  }
}

// On the prototype, not the instance: it stays out of an error's own keys (equality, JSON).
Object.defineProperty(PmError.prototype, BRAND, { value: true });

export function isPmError(value: unknown): value is PmError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { readonly [BRAND]?: unknown })[BRAND] === true
  );
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
