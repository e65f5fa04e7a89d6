// Must hold: a registry that is empty, not TOML, or not the shape pm writes is refused by every
// command with its path and where (line:column or key path), and never rewritten.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, mapLimit, requireBuild, runPm, sha256 } from './harness.js';

interface Fixture {
  readonly name: string;
  readonly text: string;
  /** What follows the path in the message: ":line:col" or " at key.path". */
  readonly where: string;
  readonly problem: RegExp;
}

const GOOD_HEAD = 'version = 1\n\n[defaults]\nrange_start = 27900\nrange_end = 27949\n\n';

const FIXTURES: readonly Fixture[] = [
  { name: 'zero bytes', text: '', where: ':1:1', problem: /the file is empty \(0 bytes\)/ },
  { name: '855 NUL bytes', text: '\0'.repeat(855), where: ':1:1', problem: /illegal character/ },
  {
    name: 'syntax error',
    text: 'version = 1\n[defaults]\nrange_start = 30x00\n',
    where: ':3:17',
    problem: /illegal character in numeric literal/,
  },
  {
    name: 'duplicate key',
    text: `${GOOD_HEAD}[projects.shop.ports]\nweb = 27900\nweb = 27901\n`,
    where: ':9:1',
    problem: /redefine/,
  },
  {
    name: 'duplicate table',
    text: `${GOOD_HEAD}[projects.shop.ports]\nweb = 27900\n\n[projects.shop.ports]\napi = 27901\n`,
    where: ':10:2',
    problem: /redefine/,
  },
  {
    name: 'truncated mid-table header',
    text: `${GOOD_HEAD}[projects.shop.ports]\nweb = 27900\n\n[projects.bl`,
    where: ':10:2',
    problem: /incomplete key-value|cannot find end of key/,
  },
  {
    name: 'truncated mid-inline-table',
    text: `${GOOD_HEAD}[projects.shop]\nports = { web = 27900, api = 429`,
    where: ':8:33',
    problem: /expected comma or end of structure/,
  },
  {
    name: 'wrong type (port as a string)',
    text: `${GOOD_HEAD}[projects.shop.ports]\nweb = "27900"\n`,
    where: ' at projects.shop.ports.web',
    problem: /expected a port 1-65535, found "27900"/,
  },
  {
    name: 'wrong type (defaults as a string)',
    text: 'version = 1\ndefaults = "3000-9999"\n',
    where: ' at defaults',
    problem: /expected a table/,
  },
  {
    name: 'port 70000',
    text: `${GOOD_HEAD}[projects.shop.ports]\nweb = 70000\n`,
    where: ' at projects.shop.ports.web',
    problem: /expected a port 1-65535, found 70000/,
  },
  {
    name: 'the same port twice',
    text: `${GOOD_HEAD}[projects.blog.ports]\nweb = 27900\n\n[projects.shop.ports]\nweb = 27900\n`,
    where: ' at projects.shop.ports.web',
    problem: /port 27900 is also allocated to projects\.blog\.ports\.web/,
  },
  {
    // Valid TOML that smol-toml reads but cannot write back: refused at read, not at write.
    name: 'keys nested 100 levels deep',
    text: `version = 1\n${'a.'.repeat(100)}a = 1\n`,
    where: ` at ${'a.'.repeat(38)}a...`,
    problem: /nested more than 64 levels deep/,
  },
  {
    name: 'missing version',
    text: '[defaults]\nrange_start = 27900\nrange_end = 27949\n',
    where: ' at version',
    problem: /missing 'version = 1'/,
  },
];

// A read-only command and a change; every change goes through the same store transaction.
const COMMANDS: readonly (readonly string[])[] = [['status'], ['allocate', 'shop', 'api']];

describe('corrupt registry fixtures', () => {
  const tempDir = tempDirPerTest('pm-corrupt-');
  beforeAll(requireBuild);

  it(`${FIXTURES.length} fixtures x ${COMMANDS.length} commands: exit 1, path and where, bytes unchanged`, async () => {
    const cases = FIXTURES.flatMap((fixture) => {
      const dir = tempDir();
      const path = join(dir, 'registry.toml');
      writeFileSync(path, fixture.text);
      const hash = sha256(path);
      return COMMANDS.map((command) => ({ fixture, dir, path, hash, command }));
    });
    const results = await mapLimit(cases, 6, (c) =>
      runPm(['--registry', c.path, ...c.command], cleanEnv(c.dir, { PM_SCANNER: 'none' })),
    );
    const failures: string[] = [];
    cases.forEach((c, index) => {
      const result = results[index]!;
      const label = `${c.fixture.name} / pm ${c.command.join(' ')}`;
      const firstLine = result.stderr.split('\n')[0] ?? '';
      const expected = `pm: registry ${c.path}${c.fixture.where} is invalid: `;
      if (result.code !== 1) failures.push(`${label}: exit ${result.code}`);
      if (!firstLine.startsWith(expected))
        failures.push(`${label}: first line ${JSON.stringify(firstLine)}`);
      if (!c.fixture.problem.test(result.stderr)) failures.push(`${label}: problem not explained`);
      if (!/pm doctor --restore/.test(result.stderr)) failures.push(`${label}: no hint`);
      if (/^\s+at /m.test(result.stderr)) failures.push(`${label}: stack trace`);
      if (result.stdout !== '') failures.push(`${label}: stdout ${JSON.stringify(result.stdout)}`);
      if (sha256(c.path) !== c.hash) failures.push(`${label}: the file changed`);
      const others = readdirSync(c.dir).filter((name) => name !== 'registry.toml');
      if (others.length > 0) failures.push(`${label}: left ${others.join(', ')}`);
    });
    expect(failures).toEqual([]);
    // Control bytes never reach the terminal raw (the excerpt is sanitised).
    const nul = results[FIXTURES.findIndex((f) => f.name === '855 NUL bytes') * COMMANDS.length]!;
    expect(nul.stderr).not.toContain('\0');
  });

  it('refuses a zero-byte registry instead of treating it as empty and overwriting it', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(path, '');
    const result = await runPm(['--registry', path, 'allocate', 'shop', 'web'], cleanEnv(dir));
    expect(result.code).toBe(1);
    expect(readFileSync(path)).toHaveLength(0);
  });
});
