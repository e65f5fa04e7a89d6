import { describe, expect, it } from 'vitest';
import { newForm } from '../../../src/dashboard/model/form.js';
import { layoutOf, pageOf, pageSize, tooSmallText } from '../../../src/dashboard/model/layout.js';

const none = { kind: 'none' } as const;
const form = { kind: 'form', form: newForm({ kind: 'allocate' }) } as const;

describe('sharing out the lines', () => {
  it('keeps header, titles, the selected row, the panel, a message line and the help bar', () => {
    // 2 header + 2 table + 5 form + 1 message + 1 help bar.
    expect(layoutOf({ columns: 80, rows: 11 }, form)).toEqual({
      fits: true,
      spacer: false,
      tableHeight: 2,
      messageLines: 1,
    });
    expect(layoutOf({ columns: 80, rows: 10 }, form)).toEqual({
      fits: false,
      needs: { columns: 30, rows: 11 },
    });
  });

  it('gives spare lines to rows first, then the hint, then the spacer', () => {
    expect(layoutOf({ columns: 80, rows: 8 }, none)).toMatchObject({
      tableHeight: 4,
      messageLines: 1,
      spacer: false,
    });
    expect(layoutOf({ columns: 80, rows: 10 }, none)).toMatchObject({
      tableHeight: 4,
      messageLines: 2,
      spacer: true,
    });
    // A long message takes up to four lines (three of text and a hint) when there is room.
    expect(layoutOf({ columns: 80, rows: 24 }, none, 4)).toMatchObject({ messageLines: 4 });
  });

  it('refuses a terminal too narrow for the help bar', () => {
    const layout = layoutOf({ columns: 29, rows: 40 }, none);
    expect(layout.fits).toBe(false);
    if (!layout.fits) expect(tooSmallText(layout.needs)).toBe('terminal too small (needs 30×6)');
  });
});

describe('pages', () => {
  it('shows a full last page that ends at the last row', () => {
    expect(pageOf(300, 299, 13)).toEqual({ start: 287, end: 300 });
    expect(pageOf(300, 0, 13)).toEqual({ start: 0, end: 13 });
    expect(pageOf(300, 14, 13)).toEqual({ start: 13, end: 26 });
    expect(pageOf(5, 4, 13)).toEqual({ start: 0, end: 5 });
  });

  it('gives the footer line to a row when only one row fits', () => {
    expect(pageSize(40, 2)).toBe(1);
    expect(pageSize(40, 4)).toBe(2);
    expect(pageSize(3, 4)).toBe(3);
  });
});
