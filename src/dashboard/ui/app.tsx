import { Box, type Key, Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef } from 'react';
import type { Deps, StatusView } from '../../core/actions/index.js';
import { formatRange } from '../../core/model/port.js';
import { detailLines } from '../../view/detail.js';
import type { ActingPorts } from '../effects/acting-requests.js';
import { useDashboardData } from '../effects/use-dashboard-data.js';
import { type TerminalControl, useRequests } from '../effects/use-requests.js';
import { useShownMessage } from '../effects/use-shown-message.js';
import { useTerminalSize } from '../effects/use-terminal-size.js';
import { keyPresses } from '../keys/key-presses.js';
import { detailSource } from '../model/detail-source.js';
import { layoutOf, tooSmallText } from '../model/layout.js';
import { dashboardReducer } from '../model/reducer.js';
import {
  activeFilter,
  type KeyContext,
  modeOf,
  type Overlay,
  selectedIndex,
  situationOf,
  startingUiState,
} from '../model/state.js';
import { shownRows } from '../model/target.js';
import { DetailView } from './detail-view.js';
import { activeCount, emptyTableText } from './frame-text.js';
import { Header } from './header.js';
import { HelpBar } from './help-bar.js';
import { HelpScreen } from './help-screen.js';
import { MessageLine } from './message-line.js';
import { MessageScreen } from './message-screen.js';
import { messageHeight } from './message-text.js';
import { Panel } from './panel.js';
import { PortTable } from './port-table.js';

export interface NoticeSource {
  subscribe(listener: (text: string) => void): () => void;
}

export interface AppProps {
  readonly deps: Deps;
  readonly registryPath: string;
  readonly intervalMs: number;
  readonly color: boolean;
  /**
   * Told after every refresh. The terminal screen shows the refresh time with it: drawing it
   * through Ink would redraw every line of the table once a second.
   */
  readonly onRefreshed?: () => void;
  /**
   * Notes from the store (a stale lock taken over) that the CLI would print on stderr: on the
   * dashboard's screen they belong in the message area.
   */
  readonly notices?: NoticeSource;
  /** The first refresh, loaded (and painted) before React and Ink were imported. */
  readonly initial?: StatusView;
  /** Told how the user quit: 0 for q or Esc, 130 for Ctrl-C, like any interrupted command. */
  readonly onExitCode?: (code: number) => void;
  /** Ctrl-L and Ctrl-Z: the terminal's business, done by whoever owns it. */
  readonly terminal?: TerminalControl;
  /** The terminal writer (OSC 52) and the browser opener for c and b. */
  readonly acting?: ActingPorts;
  /** `--all`: the unmanaged rows are shown from the start. */
  readonly showUnmanaged?: boolean;
}

/** The dashboard: live table, panels for the actions, and the one keyboard handler. */
export function App({
  deps,
  registryPath,
  intervalMs,
  color,
  onRefreshed,
  notices,
  onExitCode,
  initial,
  terminal,
  acting,
  showUnmanaged = false,
}: AppProps) {
  const { exit } = useApp();
  const size = useTerminalSize();
  const data = useDashboardData(deps, intervalMs, onRefreshed, initial);
  const [ui, dispatch] = useReducer(dashboardReducer, startingUiState(showUnmanaged));
  const quit = useCallback(
    (interrupted: boolean) => {
      onExitCode?.(interrupted ? 130 : 0);
      exit();
    },
    [exit, onExitCode],
  );
  useRequests(ui.outbox, {
    deps,
    dispatch,
    refresh: data.refresh,
    quit,
    ...(terminal ? { terminal } : {}),
    ...(acting ? { acting } : {}),
  });
  useEffect(
    () =>
      notices?.subscribe((text) => dispatch({ type: 'notify', message: { tone: 'info', text } })),
    [notices],
  );

  const mode = modeOf(ui);
  const situation = situationOf(ui);
  const filter = activeFilter(ui);
  // Recomputed when the UI state changes, as the key reducer does for every key anyway.
  const rows = useMemo(() => shownRows(ui, data.rows), [ui, data.rows]);
  const selected = selectedIndex(ui.selection, rows);
  const { shown: shownMessage, last: lastMessage } = useShownMessage(ui.message, data, dispatch);
  const messageWidth = size.columns;
  const messageWanted = messageHeight(shownMessage, messageWidth);
  const layout = layoutOf(size, ui.overlay, messageWanted);

  // The one keyboard handler: keys go to the reducer, which knows the mode and the keymap.
  // What is on screen reaches it through a ref set at commit time: a handler closing over
  // render values would act on the previous data until React re-subscribed it.
  const tableHeightFor = useCallback(
    (overlay: Overlay) => {
      const laid = layoutOf(size, overlay, messageWanted);
      return laid.fits ? laid.tableHeight : 2;
    },
    [size, messageWanted],
  );
  const context = useRef<KeyContext>({ rows: data.rows, tableHeight: tableHeightFor });
  useLayoutEffect(() => {
    context.current = { rows: data.rows, tableHeight: tableHeightFor };
  }, [data.rows, tableHeightFor]);
  const onInput = useCallback((input: string, key: Key) => {
    for (const press of keyPresses(input, key)) {
      dispatch({ type: 'key', ...press, context: context.current });
    }
  }, []);
  useInput(onInput);

  const { view } = data;
  // Until the first refresh there is nothing to lay out; one line is all Ink has to draw,
  // which brings the full first frame sooner.
  if (view === undefined) return <Text dimColor>pm: reading the registry and scanning…</Text>;

  if (!layout.fits) {
    return <Text wrap="truncate-end">{tooSmallText(layout.needs, size.columns)}</Text>;
  }
  const height = layout.tableHeight;
  const allocations = data.rows.allocations;
  const emptyText = emptyTableText(data.registryError !== undefined, filter);

  return (
    <Box flexDirection="column" width={size.columns}>
      <Header
        registryPath={registryPath}
        range={formatRange(view.registry.defaults.range)}
        backend={view.scanner.backend}
        scannerAvailable={view.scanner.available}
        intervalMs={intervalMs}
        allocations={allocations.length}
        active={activeCount(allocations)}
        shown={rows.length}
        filter={filter}
        showUnmanaged={ui.showUnmanaged}
        sort={ui.sort}
        width={size.columns}
        color={color}
      />
      {layout.spacer ? <Box height={1} /> : null}
      <Box height={height} flexDirection="column" overflow="hidden">
        {ui.overlay.kind === 'help' ? (
          <HelpScreen height={height} offset={ui.overlay.offset} />
        ) : ui.overlay.kind === 'message' ? (
          <MessageScreen
            message={shownMessage ?? lastMessage}
            width={size.columns}
            height={height}
            color={color}
          />
        ) : ui.overlay.kind === 'detail' ? (
          <DetailView
            lines={detailLines(detailSource(view, ui.overlay.key, ui.overlay.process))}
            width={size.columns}
            height={height}
            color={color}
          />
        ) : (
          <PortTable
            rows={rows}
            selected={selected}
            width={size.columns}
            height={height}
            color={color}
            emptyText={emptyText}
          />
        )}
      </Box>
      <Panel overlay={ui.overlay} color={color} columns={size.columns} />
      <MessageLine
        message={shownMessage}
        height={layout.messageLines}
        width={messageWidth}
        color={color}
      />
      <HelpBar mode={mode} width={size.columns} situation={situation} />
    </Box>
  );
}
