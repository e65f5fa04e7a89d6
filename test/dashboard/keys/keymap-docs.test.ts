// README's key table and docs/dashboard.md list the table's keys: a key added to the keymap
// without a line in both fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIONS, bindingOf, keyLabel } from '../../../src/dashboard/keys/keymap.js';

/** The rows of the first "| key | what it does |" table after `heading`. */
function keyTable(file: string, heading: string): string {
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(heading);
  const table = text.indexOf('| key | what it does |', from);
  const end = text.indexOf('\n\n', table);
  return text.slice(table, end);
}

const TABLE_KEYS = ACTIONS.filter((action) => bindingOf(action).modes.includes('table')).flatMap(
  (action) => bindingOf(action).keys.map((key) => ({ action, label: keyLabel(key) })),
);

describe.each([
  ['README.md', '## The dashboard'],
  ['docs/dashboard.md', '## Keys'],
])('%s', (file, heading) => {
  it('lists every key of the table screen', () => {
    const table = keyTable(file, heading);
    for (const { action, label } of TABLE_KEYS) {
      expect(table, `${action}: ${label}`).toContain(`\`${label}\``);
    }
  });
});
