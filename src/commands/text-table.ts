import { visibleLength } from './style.js';

/**
 * Left-aligned columns separated by two spaces; numeric columns right-aligned. Cells may carry
 * colour codes, which do not count towards the width.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: {
    readonly rightAligned?: readonly number[];
    readonly header?: (text: string) => string;
  } = {},
): string {
  const widths = headers.map((header, column) =>
    Math.max(visibleLength(header), ...rows.map((row) => visibleLength(row[column] ?? ''))),
  );
  const right = new Set(options.rightAligned ?? []);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const pad = ' '.repeat(Math.max(0, (widths[column] ?? 0) - visibleLength(cell)));
        return right.has(column) ? pad + cell : column === cells.length - 1 ? cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const head = line(headers);
  return [options.header ? options.header(head) : head, ...rows.map(line)].join('\n');
}
