import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import { type FittedColumn, fitCell, fitColumns, joinCells, MARKER_WIDTH } from '../view/table.js';
import { pageOf, pageSize } from './layout.js';
import type { DashboardRow } from './rows.js';
import { stateStyle } from './theme.js';

export interface PortTableProps {
  readonly rows: readonly DashboardRow[];
  /** Index into rows, or -1. */
  readonly selected: number;
  readonly width: number;
  /** Lines available, the column titles included. */
  readonly height: number;
  readonly color: boolean;
  /** Shown instead of rows when there are none. */
  readonly emptyText: string;
}

function Row(props: {
  readonly row: DashboardRow;
  readonly columns: readonly FittedColumn[];
  readonly selected: boolean;
  readonly color: boolean;
}) {
  const { row, columns, selected, color } = props;
  const stateAt = columns.findIndex((column) => column.column === 'STATE');
  const cell = (column: FittedColumn) =>
    fitCell(row.cells[column.column], column.width, column.align);
  const before = joinCells(columns.slice(0, stateAt).map(cell));
  const state = columns[stateAt];
  const after = joinCells(columns.slice(stateAt + 1).map(cell));
  return (
    <Text wrap="truncate-end" inverse={selected}>
      {selected ? '› ' : ' '.repeat(MARKER_WIDTH)}
      {before}
      {state ? (
        <>
          {before === '' ? '' : '  '}
          <Text {...stateStyle(row.state, color)}>{cell(state)}</Text>
          {after === '' ? '' : '  '}
        </>
      ) : null}
      {after}
    </Text>
  );
}

function PortTableView(props: PortTableProps) {
  const { rows, selected, width, height, color } = props;
  const columns = useMemo(
    () =>
      fitColumns(
        rows.map((row) => row.cells),
        width,
      ),
    [rows, width],
  );
  const title =
    ' '.repeat(MARKER_WIDTH) + joinCells(columns.map((c) => fitCell(c.column, c.width, c.align)));
  const size = pageSize(rows.length, height);
  // The footer only when a line is left for it: at the smallest size the row comes first.
  const paged = rows.length > size && height - 1 > size;
  const { start, end } = pageOf(rows.length, selected, size);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {title}
      </Text>
      {rows.length === 0 ? (
        <Text dimColor wrap="truncate-end">
          {'  '}
          {props.emptyText}
        </Text>
      ) : null}
      {rows.slice(start, end).map((row, offset) => (
        <Row
          key={row.key}
          row={row}
          columns={columns}
          selected={start + offset === selected}
          color={color}
        />
      ))}
      {paged ? (
        <Text dimColor wrap="truncate-end">
          {'  '}rows {start + 1}-{end} of {rows.length} (PgUp/PgDn)
        </Text>
      ) : null}
    </Box>
  );
}

/** The allocation table: one line per row, the selected row highlighted, state coloured. */
export const PortTable = memo(PortTableView);
