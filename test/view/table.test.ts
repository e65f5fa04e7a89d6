import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Cells, COLUMNS } from '../../src/view/cells.js';
import { fitCell, fitColumns, joinCells, MARKER_WIDTH } from '../../src/view/table.js';

const row: Cells = {
  PROJECT: 'storefront-admin',
  SERVICE: 'web',
  PORT: '3000',
  STATE: 'active',
  PID: '123456',
  PROCESS: 'node',
  ADDRESS: '127.0.0.1, ::1',
};

function lineWidth(cells: readonly Cells[], width: number): number {
  const columns = fitColumns(cells, width);
  return MARKER_WIDTH + joinCells(columns.map((column) => ' '.repeat(column.width))).length;
}

describe('fitting the table into the terminal', () => {
  it('keeps every column at its natural width when there is room', () => {
    const columns = fitColumns([row], 120);
    expect(columns.map((column) => column.column)).toEqual([...COLUMNS]);
    expect(columns.find((column) => column.column === 'PROJECT')?.width).toBe(16);
  });

  it('gives up ADDRESS, then PROCESS, before touching the names', () => {
    const names = (width: number) => fitColumns([row], width).map((column) => column.column);
    // Natural width: 77 columns.
    const address = (width: number) =>
      fitColumns([row], width).find((column) => column.column === 'ADDRESS')?.width;
    expect(address(77)).toBe(14);
    expect(address(72)).toBe(9);
    expect(names(65)).not.toContain('ADDRESS');
    expect(names(65)).toContain('PROCESS');
    expect(names(60)).toEqual(['PROJECT', 'SERVICE', 'PORT', 'STATE', 'PID']);
    const project = fitColumns([row], 52).find((column) => column.column === 'PROJECT');
    expect(project?.width).toBe(16);
  });

  it('shortens names before dropping PID, and always keeps PORT and STATE', () => {
    const narrow = fitColumns([row], 40).map((column) => column.column);
    expect(narrow).toContain('PORT');
    expect(narrow).toContain('STATE');
    const tiny = fitColumns([row], 20).map((column) => column.column);
    expect(tiny).toEqual(['PROJECT', 'SERVICE', 'PORT', 'STATE']);
  });

  it('never makes a line wider than the terminal once the essentials fit', () => {
    const cell = fc.string({ maxLength: 40 });
    const cells = fc.record<Cells>({
      PROJECT: cell,
      SERVICE: cell,
      PORT: fc.integer({ min: 1, max: 65535 }).map(String),
      STATE: fc.constantFrom('active', 'idle', 'conflict', 'unknown', 'unmanaged'),
      PID: fc.integer({ min: 1, max: 4_000_000 }).map(String),
      PROCESS: cell,
      ADDRESS: cell,
    });
    // Marker + two shortest names + PORT + STATE + gaps: below this nothing can fit.
    const essentials = MARKER_WIDTH + 6 + 6 + 5 + 9 + 3 * 2;
    fc.assert(
      fc.property(
        fc.array(cells, { maxLength: 8 }),
        fc.integer({ min: essentials, max: 200 }),
        (rows, width) => {
          expect(lineWidth(rows, width)).toBeLessThanOrEqual(width);
        },
      ),
    );
  });

  it('cuts long cells with an ellipsis and pads short ones', () => {
    expect(fitCell('storefront-admin', 8)).toBe('storefr…');
    expect(fitCell('web', 6)).toBe('web   ');
    expect(fitCell('3000', 6, 'right')).toBe('  3000');
  });
});
