// docs/platforms.md's "What runs where" table names, per feature and OS, the test that
// exercises it: each named file must exist, so the table cannot claim a test that is gone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'platforms.md'), 'utf8');
const section = doc.slice(
  doc.indexOf('## What runs where'),
  doc.indexOf('\n## ', doc.indexOf('## What runs where') + 1),
);
const rows = section
  .split('\n')
  .filter(
    (line) => line.startsWith('| ') && !line.startsWith('| feature') && !line.startsWith('|---'),
  );

describe('docs/platforms.md: what runs where', () => {
  it('has a row per feature with a cell for Linux, macOS and Windows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) expect(row.split('|').length - 2).toBe(4);
  });

  it('names only tests and scripts that exist', () => {
    const named = [...section.matchAll(/`((?:test|scripts)\/[^`]+)`/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(10);
    for (const file of named) expect(existsSync(join(root, file)), file).toBe(true);
  });

  it('says what it cannot run on macOS for the scanner, the inspector and kill: no cell is "never executed"', () => {
    const mac = rows.map((row) => row.split('|')[3]?.trim() ?? '');
    for (const feature of ['socket list', 'PID of a listener', 'detail view', '`pm kill`']) {
      const cell = mac[rows.findIndex((row) => row.includes(feature))] ?? '';
      expect(cell, feature).toMatch(/^(contract|real)|start times: contract/);
    }
  });
});
