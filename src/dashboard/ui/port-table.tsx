import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import { type FittedColumn, fitColumns } from '../../view/table.js';
import { tablePage } from '../model/layout.js';
import type { DashboardRow } from '../model/rows.js';
import { pageFooter, rowParts, tableTitle } from './frame-text.js';
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
  const parts = rowParts(row, columns, selected);
  return (
    <Text wrap="truncate-end" inverse={selected}>
      {parts.marker}
      {parts.before}
      {parts.state === undefined ? null : (
        <Text {...stateStyle(row.state, color)}>{parts.state}</Text>
      )}
      {parts.after}
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
  const title = tableTitle(columns);
  const { start, end, footer } = tablePage(rows.length, selected, height);
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
      {footer ? (
        <Text dimColor wrap="truncate-end">
          {pageFooter(start, end, rows.length)}
        </Text>
      ) : null}
    </Box>
  );
}

/** The allocation table: one line per row, the selected row highlighted, state coloured. */
export const PortTable = memo(PortTableView);
