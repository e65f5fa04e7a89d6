import { formatRange } from '../core/model/port.js';
import { DEFAULT_RANGE } from '../core/model/registry.js';
import type { EngineInfo, ScanOutcome } from '../core/ports.js';
import { describeOwner } from '../core/store/lock.js';
import type { StoreHealth } from '../core/store/registry-store.js';
import { type EphemeralRange, ephemeralRange } from '../os/shared/ephemeral-range.js';
import { wordRemedies } from '../view/remedies.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const doctorSpec: CommandSpec = {
  name: 'doctor',
  usage: ['doctor [--restore]'],
  summary: 'check the registry, its backup, the lock and the scanner',
  examples: ['pm doctor', 'pm doctor --restore'],
  flags: ['restore'],
  run: async ({ ctx, input, flags, environment }) =>
    runDoctor(ctx, input, flags, ephemeralRange(), environment.scannerMode === 'none'),
};

const USAGE = usageLine(doctorSpec);

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** Lines quoted from the file (a TOML code frame), shown one per line under the detail. */
  readonly excerpt?: readonly string[];
  readonly hint?: string;
}

export interface DoctorFacts {
  readonly health: StoreHealth;
  readonly scan: ScanOutcome;
  readonly backend: string;
  readonly seesOtherUsers: boolean;
  readonly ephemeral?: EphemeralRange;
  /** The container engine, where pm has a directory for one. */
  readonly engine?: EngineInfo;
  /** PM_SCANNER=none: scanning was turned off on purpose, which is no failure. */
  readonly scannerOff?: boolean;
}

/**
 * The engine is optional: found, none or unreachable, it is one informative line, never a
 * failed check (rows without it are what they were before pm knew about containers).
 */
export function engineCheck(engine: EngineInfo): Check {
  if (engine.ok) {
    return {
      name: 'containers',
      ok: true,
      detail: `${engine.engine} ${engine.version} (API ${engine.apiVersion}) at ${engine.endpoint}: ports its forwarders hold show their container`,
    };
  }
  const { problem } = engine;
  if (problem.kind === 'none') {
    return {
      name: 'containers',
      ok: true,
      detail: `no container engine found (${problem.message}); container ports show as their forwarder`,
    };
  }
  const hints: Record<Exclude<typeof problem.kind, 'none'>, string> = {
    denied: "pm cannot ask the engine, so container ports show as the engine's forwarder",
    unreachable: 'start the engine, or point DOCKER_HOST at its socket (unix://PATH)',
    timeout: 'the engine is hung or very slow; pm answers without containers meanwhile',
    unsupported: 'set DOCKER_HOST to a unix:// socket, or unset it to use the usual ones',
  };
  return {
    name: 'containers',
    ok: true,
    detail: `container engine ${problem.kind === 'unsupported' ? 'not used' : problem.kind}: ${problem.message}`,
    hint: hints[problem.kind],
  };
}

/** The engine in `pm doctor --json`. */
export function engineJson(engine: EngineInfo) {
  return engine.ok
    ? {
        state: 'found',
        endpoint: engine.endpoint,
        engine: engine.engine,
        version: engine.version,
        api_version: engine.apiVersion,
      }
    : {
        state: engine.problem.kind,
        endpoint: engine.problem.endpoint ?? null,
        message: engine.problem.message,
      };
}

function ownedBy(uid: number | undefined): string {
  return uid === undefined ? '' : `; the lock directory belongs to user id ${uid}`;
}

/** Pure: turns what was observed into checks, so each verdict is testable without IO. */
export function doctorChecks(facts: DoctorFacts): Check[] {
  const { health } = facts;
  const checks: Check[] = [];
  const file = health.registry;
  if (file.state === 'ok') {
    const count = [...file.registry.projects.values()].reduce(
      (sum, project) => sum + project.ports.size,
      0,
    );
    checks.push({
      name: 'registry',
      ok: true,
      detail: `${health.path} parses (${count} allocation(s))`,
    });
  } else if (file.state === 'missing') {
    checks.push({
      name: 'registry',
      ok: true,
      detail: `${health.path} does not exist yet; the first allocation creates it`,
    });
  } else {
    // Only a file that parsed wrong is fixed by the backup; one pm cannot open (permissions,
    // a FIFO in its place, too large) would fail a restore the same way.
    const restorable = health.backup.state === 'ok' && file.error.code === 'REGISTRY_CORRUPT';
    checks.push({
      name: 'registry',
      ok: false,
      detail: file.error.headline ?? file.error.message,
      ...(file.error.excerpt?.length ? { excerpt: file.error.excerpt } : {}),
      hint: restorable
        ? "run 'pm doctor --restore' to put back the last good copy (the broken file is kept beside it), or fix the file by hand"
        : file.error.code === 'REGISTRY_CORRUPT'
          ? 'fix the file by hand (there is no usable backup), or move it away to start empty'
          : wordRemedies(file.error.remedies, 'cli'),
    });
  }
  const backup = health.backup;
  if (backup.state === 'ok')
    checks.push({
      name: 'backup',
      ok: true,
      detail: `${health.path}.bak holds the registry as pm last wrote it`,
    });
  else if (backup.state === 'missing')
    checks.push({ name: 'backup', ok: true, detail: 'no backup yet (made with the first change)' });
  else
    checks.push({
      name: 'backup',
      ok: false,
      detail: `the backup is invalid: ${backup.error.headline ?? backup.error.message}`,
      ...(backup.error.excerpt?.length ? { excerpt: backup.error.excerpt } : {}),
      hint: 'it is replaced by the next successful change',
    });

  const lock = health.lock;
  if (lock.state === 'free') checks.push({ name: 'lock', ok: true, detail: 'not held' });
  else if (lock.state === 'held')
    checks.push({
      name: 'lock',
      ok: true,
      detail: lock.owner
        ? `held by ${describeOwner(lock.owner)}${ownedBy(lock.foreignUid)}`
        : `held by a running pm (refreshed ${(lock.ageMs / 1000).toFixed(1)} s ago)${ownedBy(lock.foreignUid)}`,
    });
  else {
    checks.push({
      name: 'lock',
      ok: false,
      detail: lock.owner
        ? `stale: left by ${describeOwner(lock.owner)}, which is no longer running${ownedBy(lock.foreignUid)}`
        : `stale: not refreshed for ${(lock.ageMs / 1000).toFixed(0)} s (a pm process died holding it)${ownedBy(lock.foreignUid)}`,
      hint: 'the next change takes it over automatically',
    });
  }
  if (health.directoryRisk) {
    checks.push({
      name: 'directory',
      ok: false,
      detail: `the registry's directory ${health.directoryRisk}: another user could replace the registry`,
      hint: 'keep the registry in a directory only you can write (chmod 700), or pass another with --registry',
    });
  }
  if (health.tempFiles.length > 0) {
    checks.push({
      name: 'temp files',
      ok: false,
      detail: `${health.tempFiles.length} left by interrupted writes: ${health.tempFiles.join(', ')}`,
      hint: 'the next change removes them',
    });
  }
  const scannerDetail = facts.scan.ok
    ? `${facts.backend}: ${facts.scan.listeners.length} listening socket(s); ${facts.seesOtherUsers ? "sees other users' processes" : "other users' processes show without PID (run as root to see them)"}`
    : `${facts.backend}: unavailable: ${facts.scan.reason}`;
  if (facts.scannerOff) {
    checks.push({
      name: 'scanner',
      ok: true,
      detail:
        'scanning is turned off (PM_SCANNER=none): states show as unknown; allocation still works (it relies on the bind probe)',
    });
  } else
    checks.push({
      name: 'scanner',
      ok: facts.scan.ok,
      detail: scannerDetail,
      ...(facts.scan.ok
        ? {}
        : { hint: 'allocation still works (it relies on the bind probe); states show as unknown' }),
    });
  if (facts.engine) checks.push(engineCheck(facts.engine));
  // A registry not created yet will use the default range: check that one.
  const range =
    file.state === 'ok'
      ? file.registry.defaults.range
      : file.state === 'missing'
        ? DEFAULT_RANGE
        : undefined;
  if (range && facts.ephemeral) {
    const overlaps = range.start <= facts.ephemeral.end && facts.ephemeral.start <= range.end;
    checks.push({
      name: 'range',
      ok: !overlaps,
      detail: `${formatRange(range)}; OS ephemeral ports ${facts.ephemeral.start}-${facts.ephemeral.end} (${facts.ephemeral.source})${overlaps ? ' overlap it' : ''}`,
      ...(overlaps
        ? {
            hint: `outgoing connections may take handed-out ports; choose a range below ${facts.ephemeral.start} with 'pm config --range'`,
          }
        : {}),
    });
  }
  return checks;
}

export function renderChecks(ctx: Context, checks: readonly Check[]): void {
  for (const check of checks) {
    const mark = check.ok ? ctx.style.green('ok  ') : ctx.style.red('FAIL');
    // Details quote paths and registry contents (a hand-edited key may hold escapes).
    ctx.io.out(`${mark} ${check.name.padEnd(10)} ${sanitize(check.detail)}`);
    for (const line of check.excerpt ?? []) ctx.io.out(`${' '.repeat(16)}${sanitize(line)}`);
    if (check.hint)
      ctx.io.out(`     ${' '.repeat(10)} ${ctx.style.dim(`-> ${sanitize(check.hint)}`)}`);
  }
}

export async function runDoctor(
  ctx: Context,
  input: readonly string[],
  flags: { readonly restore: boolean },
  ephemeral: EphemeralRange | undefined,
  scannerOff = false,
): Promise<number> {
  expectArgs(input, 0, 0, USAGE);
  const { store, scanner } = ctx.deps;
  if (flags.restore) {
    const { restored, keptAs } = await store.restoreBackup();
    const count = [...restored.projects.values()].reduce(
      (sum, project) => sum + project.ports.size,
      0,
    );
    if (ctx.json)
      printJson(ctx.io, {
        restored: true,
        registry: store.path,
        keptAs: keptAs ?? null,
        allocations: count,
      });
    else {
      ctx.io.err(
        `restored ${sanitize(store.path)} from ${sanitize(store.backupPath)} (${count} allocation(s))`,
      );
      if (keptAs) ctx.io.err(`the file it replaced is kept as ${sanitize(keptAs)}`);
    }
    return 0;
  }
  const [health, scan, engine] = await Promise.all([
    store.inspect(),
    scanner.scan({ attribute: () => false }),
    ctx.deps.containers?.info(),
  ]);
  const checks = doctorChecks({
    health,
    scan,
    ...(engine ? { engine } : {}),
    backend: scanner.backend,
    seesOtherUsers: scanner.seesOtherUsers?.() ?? false,
    ...(ephemeral ? { ephemeral } : {}),
    scannerOff,
  });
  const healthy = checks.every((check) => check.ok);
  if (ctx.json) {
    printJson(ctx.io, {
      ok: healthy,
      registry: store.path,
      checks,
      engine: engine ? engineJson(engine) : null,
    });
  } else renderChecks(ctx, checks);
  return healthy ? 0 : 1;
}
