import { describe, expect, it } from 'vitest';
import { doctorChecks } from '../../src/commands/doctor.js';
import { PmError } from '../../src/core/errors.js';
import { emptyRegistry, withDefaults } from '../../src/core/model/registry.js';
import type { StoreHealth } from '../../src/core/store/registry-store.js';

const LINUX_EPHEMERAL = {
  start: 32768,
  end: 60999,
  source: '/proc/sys/net/ipv4/ip_local_port_range',
};

function facts(health: Partial<StoreHealth>) {
  return {
    health: {
      path: '/r.toml',
      registry: { state: 'missing' as const },
      backup: { state: 'missing' as const },
      lock: { state: 'free' as const },
      tempFiles: [],
      ...health,
    },
    scan: { ok: true as const, listeners: [] },
    backend: 'linux-netlink',
    seesOtherUsers: false,
    ephemeral: LINUX_EPHEMERAL,
  };
}

const check = (checks: ReturnType<typeof doctorChecks>, name: string) =>
  checks.find((c) => c.name === name);

describe('pm doctor verdicts', () => {
  it('checks the default range before the registry exists', () => {
    expect(check(doctorChecks(facts({})), 'range')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('3000-9999'),
    });
  });

  it('fails the range check when the configured range overlaps the ephemeral ports', () => {
    const registry = withDefaults(emptyRegistry(), { range: { start: 30000, end: 40000 } });
    const range = check(doctorChecks(facts({ registry: { state: 'ok', registry } })), 'range');
    expect(range).toMatchObject({ ok: false, hint: expect.stringContaining('below 32768') });
  });

  it('points at --restore only when the backup is usable', () => {
    const error = new PmError('REGISTRY_CORRUPT', 'registry /r.toml:3:1 is invalid');
    const restorable = doctorChecks(
      facts({
        registry: { state: 'invalid', error },
        backup: { state: 'ok', registry: emptyRegistry() },
      }),
    );
    expect(check(restorable, 'registry')?.hint).toContain('pm doctor --restore');
    const hopeless = doctorChecks(
      facts({ registry: { state: 'invalid', error }, backup: { state: 'invalid', error } }),
    );
    expect(check(hopeless, 'registry')?.hint).toContain('no usable backup');
  });

  it('does not suggest a restore for a registry pm cannot open: it would fail the same way', () => {
    const error = new PmError(
      'IO',
      "cannot read /r.toml: permission denied (the file's mode is 0000)",
      'give its owner read and write access (chmod 600 /r.toml)',
    );
    const checks = doctorChecks(
      facts({
        registry: { state: 'invalid', error },
        backup: { state: 'ok', registry: emptyRegistry() },
      }),
    );
    expect(check(checks, 'registry')).toMatchObject({
      ok: false,
      hint: 'give its owner read and write access (chmod 600 /r.toml)',
    });
    expect(check(checks, 'registry')?.hint).not.toContain('--restore');
  });

  it('fails the directory check when others can write the registry directory', () => {
    const checks = doctorChecks(
      facts({ directoryRisk: 'can be written by every user (mode 0777)' }),
    );
    expect(check(checks, 'directory')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('mode 0777'),
    });
  });

  it('names a live lock holder, and the lock directory owner when it is another user', () => {
    const owner = {
      pid: 4321,
      host: 'box',
      command: 'pm allocate shop web',
      since: '2026-11-30T22:00:00.000Z',
      nonce: 'n',
    };
    const checks = doctorChecks(
      facts({ lock: { state: 'held', ageMs: 100, staleMs: 10_000, owner, foreignUid: 1001 } }),
    );
    expect(check(checks, 'lock')?.detail).toBe(
      'held by pid 4321 (pm allocate shop web) on box since 2026-11-30T22:00:00.000Z; the lock directory belongs to user id 1001',
    );
  });

  it('reports a stale lock and leftover temp files as problems', () => {
    const checks = doctorChecks(
      facts({
        lock: { state: 'stale', ageMs: 60_000, staleMs: 10_000 },
        tempFiles: ['registry.toml.9.x.tmp'],
      }),
    );
    expect(check(checks, 'lock')?.ok).toBe(false);
    expect(check(checks, 'temp files')?.ok).toBe(false);
  });

  it('says when other users are invisible and when the scanner is off', () => {
    expect(check(doctorChecks(facts({})), 'scanner')?.detail).toContain('run as root to see them');
    const off = doctorChecks({
      ...facts({}),
      scan: { ok: false, reason: 'PM_SCANNER=none' },
      backend: 'none',
    });
    expect(check(off, 'scanner')).toMatchObject({
      ok: false,
      detail: 'none: unavailable: PM_SCANNER=none',
    });
  });
});
