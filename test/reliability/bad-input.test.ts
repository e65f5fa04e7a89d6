// Must hold: bad command-line input (invalid ports and ranges, names with spaces, quotes,
// brackets, newlines, unicode, empty or very long names, unknown flags) exits 2 with a message
// that names the rule, and never touches the registry.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, mapLimit, requireBuild, runPm, sha256 } from './harness.js';

const NAME_RULE =
  /names start with a letter or digit, then use only letters, digits, "_" or "-", 64 characters at most/;
const PORT_RULE = /a port is a whole number from 1 to 65535/;
const RANGE_RULE = /a range is START-END with 1 <= START <= END <= 65535/;
const UNKNOWN_FLAG = /unknown (flag|option)/i;

const BAD_NAMES: readonly [string, string][] = [
  ['a space', 'my shop'],
  ['a double quote', 'sh"op'],
  ['a single quote', "sh'op"],
  ['brackets', 'shop[1]'],
  ['a dot (would nest TOML tables)', 'shop.web'],
  ['a newline', 'shop\nweb'],
  ['an accented letter', 'shöp'],
  ['an emoji', 'shop🚀'],
  ['an empty string', ''],
  ['65 characters', 'a'.repeat(65)],
  // POSIX only: a Windows command line holds at most 32,767 characters, so this name cannot
  // even reach pm there (the spawn fails); '65 characters' covers the rule on every OS.
  ...(process.platform === 'win32'
    ? []
    : ([['100 000 characters', 'x'.repeat(100_000)]] as [string, string][])),
];

const BAD_PORTS = ['0', '65536', '-1', 'abc', '3000.5', ''];
const BAD_RANGES = ['5000-4000', '0-100', '1-65536', 'abc', ''];

interface Case {
  readonly label: string;
  readonly args: readonly string[];
  readonly rule: RegExp;
}

const CASES: readonly Case[] = [
  // Each bad name once, alternately as the project and as the service (one node start each).
  ...BAD_NAMES.map(
    ([label, name], i): Case =>
      i % 2 === 0
        ? { label: `project name with ${label}`, args: ['allocate', name, 'web'], rule: NAME_RULE }
        : {
            label: `service name with ${label}`,
            args: ['allocate', 'shop', name],
            rule: NAME_RULE,
          },
  ),
  { label: 'free with a bad name', args: ['free', 'my shop', 'web'], rule: NAME_RULE },
  // --port=VALUE: a value starting with '-' needs the = form (as with any option parser).
  ...BAD_PORTS.map(
    (port): Case => ({
      label: `--port '${port}'`,
      args: ['allocate', 'shop', 'api', `--port=${port}`],
      rule: PORT_RULE,
    }),
  ),
  { label: 'free :0', args: ['free', ':0'], rule: PORT_RULE },
  { label: "config --exclude '80,abc'", args: ['config', '--exclude', '80,abc'], rule: PORT_RULE },
  ...BAD_RANGES.map(
    (range): Case => ({
      label: `--range '${range}'`,
      args: ['config', `--range=${range}`],
      rule: RANGE_RULE,
    }),
  ),
  {
    label: '--port followed by a negative number',
    args: ['allocate', 'shop', 'api', '--port', '-1'],
    rule: /--port/,
  },
  { label: 'an unknown flag', args: ['allocate', 'shop', 'api', '--bogus'], rule: UNKNOWN_FLAG },
  {
    label: '--port and --prefer together',
    args: ['allocate', 'shop', 'api', '--port', '27510', '--prefer', '27511'],
    rule: /--port and --prefer cannot be used together/,
  },
  {
    label: 'a flag of another command',
    args: ['allocate', 'shop', 'api', '--restore'],
    rule: /--restore does not apply to 'pm allocate'/,
  },
  {
    label: 'a missing argument',
    args: ['allocate'],
    rule: /missing arguments: usage: pm allocate <project> <service>/,
  },
  {
    label: 'a service alone, outside any recorded project directory',
    args: ['allocate', 'shop'],
    rule: /missing project: no project's recorded path contains /,
  },
  {
    label: 'an unknown command',
    args: ['alocate', 'shop', 'api'],
    rule: /unknown command 'alocate'/,
  },
  {
    label: 'suggest --count 0',
    args: ['suggest', '--count', '0'],
    rule: /a whole number from 1 to 100/,
  },
  { label: 'dashboard --interval 5', args: ['--interval', '5'], rule: /milliseconds from 100/ },
];

describe('bad command-line input', () => {
  const tempDir = tempDirPerTest('pm-input-');
  beforeAll(requireBuild);

  it(`${CASES.length} bad inputs: exit 2, the rule named, the registry untouched`, async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(
      path,
      'version = 1\n\n[defaults]\nrange_start = 27500\nrange_end = 27549\n\n[projects.shop.ports]\nweb = 27500\n',
    );
    const before = sha256(path);
    const env = cleanEnv(dir, { PM_SCANNER: 'none' });
    const results = await mapLimit(CASES, 4, (c) => runPm(['--registry', path, ...c.args], env));

    const failures: string[] = [];
    CASES.forEach((c, index) => {
      const result = results[index]!;
      if (result.code !== 2) failures.push(`${c.label}: exit ${result.code} ${result.stderr}`);
      if (!c.rule.test(result.stderr))
        failures.push(`${c.label}: rule not named in ${JSON.stringify(result.stderr)}`);
      if (result.stdout !== '')
        failures.push(`${c.label}: stdout ${JSON.stringify(result.stdout)}`);
      if (/^\s+at |internal error/m.test(result.stderr)) failures.push(`${c.label}: stack trace`);
      // Short and readable even for a 100 000-character name or one with a newline in it.
      if (result.stderr.length > 600)
        failures.push(`${c.label}: ${result.stderr.length} characters of stderr`);
    });
    expect(failures).toEqual([]);
    expect(sha256(path)).toBe(before);
    expect(readdirSync(dir)).toEqual(['registry.toml']);
    console.info(`[bad-input] ${CASES.length} invalid command lines, all exit 2`);
  });

  it('shows a name with a newline on one line, escaped', async () => {
    const dir = tempDir();
    const result = await runPm(
      ['--registry', join(dir, 'registry.toml'), 'allocate', 'shop\nweb', 'api'],
      cleanEnv(dir),
    );
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("pm: invalid project name: 'shop\\nweb'");
    expect(readdirSync(dir)).toEqual([]);
  });
});
