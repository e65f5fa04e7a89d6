// Usage is written once, in each command's spec: a usage error shows the same forms as
// `pm help <command>` (all of them, on one line), so the two cannot drift apart.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { usageLine } from '../../src/commands/spec.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest();

// The dashboard takes no arguments at all: a word after `pm` is an unknown command.
const taking = COMMANDS.filter((command) => command.name !== 'dashboard');

it.each(taking.map((command) => [command.name, command] as const))(
  'pm %s with too many arguments shows its spec’s usage, exit 2',
  async (_name, command) => {
    const registry = join(tempDir(), 'registry.toml');
    const result = await runMain(['--registry', registry, command.name, 'a', 'b', 'c', 'd']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(`usage: ${usageLine(command)}`);
    const help = await runMain(['help', command.name]);
    for (const form of command.usage) expect(help.stdout).toContain(`pm ${form}`);
  },
);
