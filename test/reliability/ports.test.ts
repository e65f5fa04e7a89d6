// Must hold: a port some process listens on (127.0.0.1 only, ::1 only, or 0.0.0.0) is never
// handed out, with the socket scanner and with the bind probe alone (PM_SCANNER=none); the
// default range avoids the OS ephemeral range, and `pm doctor` flags a range that overlaps it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, runPm, Worker } from './harness.js';

const EPHEMERAL = '/proc/sys/net/ipv4/ip_local_port_range';
// Linux only: pm reads this file on Linux alone (Wine's Windows sees it too, as Z:\proc).
const LINUX_EPHEMERAL = process.platform === 'linux' && existsSync(EPHEMERAL);

/**
 * Holds listeners in a separate process, as a dev server would: 127.0.0.1:B, [::1]:B+1 (IPv6
 * only) and 0.0.0.0:B+2, for the first B from the given base (in steps of 10) where all three
 * bind, so a port some other program happens to use does not fail the test. Prints "listening B".
 */
const HOLDER = `
  const net = require('node:net');
  const listen = (host, port) => new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host.includes(':') }, () => resolve(server));
  });
  (async () => {
    for (let base = Number(process.argv[1]); base < Number(process.argv[1]) + 200; base += 10) {
      const servers = [];
      try {
        servers.push(await listen('127.0.0.1', base));
        servers.push(await listen('::1', base + 1));
        servers.push(await listen('0.0.0.0', base + 2));
        process.stdout.write('listening ' + base + '\\n');
        return;
      } catch {
        for (const server of servers) server.close();
      }
    }
    process.stderr.write('no free block of ports');
    process.exit(3);
  })();
`;

const MODES = [
  { name: 'scanner and bind probe', scanner: undefined, searchFrom: 27700 },
  { name: 'bind probe alone (PM_SCANNER=none)', scanner: 'none', searchFrom: 27800 },
] as const;

describe('ports in use are never handed out', () => {
  const tempDir = tempDirPerTest('pm-ports-');
  beforeAll(requireBuild);

  it.each(MODES)(
    'skips listeners on 127.0.0.1, ::1 and 0.0.0.0: $name',
    async ({ scanner, searchFrom }) => {
      // `node -e HOLDER base`: a different process (and PID) from pm and from the test.
      const holder = new Worker('-e', [HOLDER, String(searchFrom)], cleanEnv(tempDir()));
      onTestFinished(async () => {
        await holder.kill();
      });
      const base = Number((await holder.waitForLine(/^listening \d+$/)).split(' ')[1]);
      const held: [string, number][] = [
        ['127.0.0.1', base],
        ['::1', base + 1],
        ['0.0.0.0', base + 2],
      ];

      const dir = tempDir();
      const path = join(dir, 'registry.toml');
      writeFileSync(
        path,
        `version = 1\n\n[defaults]\nrange_start = ${base}\nrange_end = ${base + 9}\n`,
      );
      const env = cleanEnv(dir, scanner ? { PM_SCANNER: scanner } : {});
      const ports: number[] = [];
      for (const service of ['web', 'api', 'db']) {
        const result = await runPm(['--registry', path, 'allocate', 'shop', service], env);
        expect(result.code, result.stderr).toBe(0);
        ports.push(Number(result.stdout.trim()));
      }
      // Candidates are tried lowest first, so any held port pm failed to see would come first.
      for (const [, port] of held) expect(ports).not.toContain(port);
      expect(ports.every((port) => port > base + 2 && port <= base + 9)).toBe(true);
      expect(new Set(ports).size).toBe(3);

      // Asked for explicitly, a held port is refused too (exit 1, says it is in use).
      const explicit = await runPm(
        ['--registry', path, 'allocate', 'shop', 'cache', '--port', String(base + 1)],
        env,
      );
      expect(explicit.code).toBe(1);
      expect(explicit.stderr).toMatch(new RegExp(`port ${base + 1} is in use`));
    },
  );

  it.runIf(LINUX_EPHEMERAL)('the default range lies outside the OS ephemeral range', async () => {
    const [low, high] = readFileSync(EPHEMERAL, 'utf8').trim().split(/\s+/).map(Number) as [
      number,
      number,
    ];
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(path, 'version = 1\n'); // no [defaults]: the built-in range applies
    const result = await runPm(['--registry', path, 'config', '--json'], cleanEnv(dir));
    expect(result.code, result.stderr).toBe(0);
    const { range } = JSON.parse(result.stdout) as { range: { start: number; end: number } };
    expect(range).toEqual({ start: 3000, end: 9999 });
    expect(range.end < low || range.start > high).toBe(true);

    const doctor = await runPm(['--registry', path, 'doctor', '--json'], cleanEnv(dir));
    const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean }[] })
      .checks;
    expect(checks.find((check) => check.name === 'range')).toMatchObject({ ok: true });
  });

  it.runIf(LINUX_EPHEMERAL)(
    'pm doctor fails the range check when a configured range overlaps it',
    async () => {
      const [low, high] = readFileSync(EPHEMERAL, 'utf8').trim().split(/\s+/).map(Number) as [
        number,
        number,
      ];
      const dir = tempDir();
      const path = join(dir, 'registry.toml');
      const env = cleanEnv(dir, { PM_SCANNER: 'none' });
      expect(
        (
          await runPm(
            ['--registry', path, 'config', '--range', `${low}-${Math.min(high, low + 999)}`],
            env,
          )
        ).code,
      ).toBe(0);

      const doctor = await runPm(['--registry', path, 'doctor'], env);
      expect(doctor.code).toBe(1);
      const line = doctor.stdout.split('\n').find((text) => /\brange\b/.test(text));
      expect(line).toMatch(/^FAIL range/);
      expect(line).toContain(`OS ephemeral ports ${low}-${high} (${EPHEMERAL}) overlap it`);
      expect(doctor.stdout).toContain(`choose a range below ${low}`);
    },
  );
});
