// Help comes from the flag and command tables; these tests keep the tables and help honest.
import { expect, it } from 'vitest';
import { acceptedFlags, COMMANDS, completionTable } from '../../src/cli/commands.js';
import { FLAG_NAMES, flagSpec } from '../../src/cli/flags.js';
import { runMain } from '../helpers/main.js';

/** Every long flag a text mentions, as the user would type it. */
const mentioned = (text: string) =>
  new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((match) => match[1] as string));
/** What the command line accepts: the table's names, with --no-x for negated switches. */
const accepted = (name: string) =>
  flagSpec(name as never).kind === 'switch' &&
  (flagSpec(name as never) as { negated?: boolean }).negated
    ? `no-${name}`
    : name;

it('documents every accepted flag and accepts every documented one, per command', async () => {
  const overview = (await runMain(['help'])).stdout;
  for (const name of FLAG_NAMES) expect(mentioned(overview)).toContain(accepted(name));
  for (const command of COMMANDS) {
    const own = (await runMain(['help', command.name])).stdout;
    const acceptedHere = acceptedFlags(command).map(accepted);
    for (const flag of acceptedHere) expect(own, `pm help ${command.name}`).toContain(`--${flag}`);
    // Usage lines may mention another command's flag only if this command takes it too.
    for (const flag of mentioned(own))
      expect(acceptedHere, `--${flag} in pm help ${command.name}`).toContain(flag);
  }
  for (const flag of mentioned(overview)) expect(FLAG_NAMES.map(accepted)).toContain(flag);
});

it('refuses a flag a command does not document, naming both', async () => {
  for (const command of COMMANDS) {
    for (const name of FLAG_NAMES.filter((flag) => !acceptedFlags(command).includes(flag))) {
      const spec = flagSpec(name);
      const args = [command.name, spec.kind === 'value' ? `--${name}=1` : `--${name}`];
      const result = await runMain(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(`--${name} does not apply to 'pm ${command.name}'`);
    }
  }
});

it('pm help lists every command with its usage and where the registry lives', async () => {
  const result = await runMain(['help']);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  for (const command of COMMANDS) expect(result.stdout).toContain(`pm ${command.name}`);
  expect(result.stdout).toContain('$XDG_CONFIG_HOME/port-manager/registry.toml');
  expect((await runMain(['--help'])).stdout).toBe(result.stdout);
});

it('pm help allocate and pm allocate --help print its own usage, flags and examples', async () => {
  const help = await runMain(['help', 'allocate']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^pm allocate: /);
  expect(help.stdout).toContain('pm allocate <project> <service>');
  expect(help.stdout).toMatch(/--prefer N\s+the first free port/);
  expect(help.stdout).toContain('$ PORT=$(pm allocate shop web) npm run dev');
  expect(help.stdout).not.toContain('--restore');
  expect((await runMain(['allocate', '--help'])).stdout).toBe(help.stdout);
  expect((await runMain(['allocate', '-h'])).stdout).toBe(help.stdout);
});

it('names the Windows registry location on Windows', async () => {
  const help = await runMain(['help', 'status'], { platform: 'win32' });
  expect(help.stdout).toContain('%APPDATA%\\port-manager\\registry.toml');
  expect(help.stdout).not.toContain('XDG_CONFIG_HOME');
});

it('pm help of an unknown command is a usage error listing the commands', async () => {
  const result = await runMain(['help', 'launch']);
  expect(result).toMatchObject({ code: 2, stdout: '' });
  expect(result.stderr).toContain("unknown command 'launch'");
  expect(result.stderr).toContain('allocate');
  expect((await runMain(['help', 'a', 'b'])).code).toBe(2);
});

it('lists commands and their flags for shell completions', () => {
  const table = completionTable();
  expect(table.map((row) => row.command)).toEqual(COMMANDS.map((command) => command.name));
  expect(table.find((row) => row.command === 'allocate')?.flags).toEqual(
    expect.arrayContaining(['port', 'prefer', 'force', 'path', 'registry', 'json']),
  );
});
