// `pm help [<command>]`: the help the command table renders.
import { PmError } from '../core/errors.js';
import { type CommandSpec, usageLine } from './spec.js';

export const helpSpec: CommandSpec = {
  name: 'help',
  args: 'command',
  usage: ['help [<command>]'],
  summary: 'every command, or one command’s usage, flags and examples',
  examples: ['pm help allocate'],
  flags: [],
  async run({ ctx, input, table }) {
    if (input.length > 1) throw new PmError('USAGE', `usage: ${usageLine(helpSpec)}`);
    ctx.io.out(table.help(input[0]));
    return 0;
  },
};
