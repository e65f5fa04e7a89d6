import { Box, type Key, Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef } from 'react';
import type { Deps } from '../core/actions.js';
import { formatRange } from '../core/port.js';
import { detailLines } from '../view/detail.js';
import { AllocateForm } from './allocate-form.js';
import { ConfirmFree } from './confirm-free.js';
import { ConfirmKill } from './confirm-kill.js';
import { detailSource } from './detail-source.js';
import { DetailView } from './detail-view.js';
import { FilterInput } from './filter-input.js';
import { Header } from './header.js';
import { HelpBar } from './help-bar.js';
import { HelpScreen } from './help-screen.js';
import type { ActingPorts } from './hooks/acting-requests.js';
import { type DashboardData, useDashboardData } from './hooks/use-dashboard-data.js';
import { useRequests } from './hooks/use-requests.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { dashboardReducer, type KeyContext } from './key-reducer.js';
import { keyPresses } from './keymap.js';
import { tableHeight } from './layout.js';
import { MessageLine } from './message-line.js';
import { PortTable } from './port-table.js';
import { visibleRows } from './rows.js';
import {
  activeFilter,
  initialUiState,
  type Message,
  messageOf,
  modeOf,
  type Overlay,
  selectedIndex,
} from './state.js';
import { SuggestList } from './suggest-list.js';

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
  /** Told how the user quit: 0 for q or Esc, 130 for Ctrl-C (DESIGN section 6). */
  readonly onExitCode?: (code: number) => void;
  /** The terminal writer (OSC 52) and the browser opener for c and b. */
  readonly acting?: ActingPorts;
}

function Panel({ overlay, color }: { readonly overlay: Overlay; readonly color: boolean }) {
  switch (overlay.kind) {
    case 'form':
      return <AllocateForm form={overlay.form} color={color} />;
    case 'confirm':
      return (
        <ConfirmFree
          target={overlay.target}
          color={color}
          stillListening={overlay.stillListening}
        />
      );
    case 'kill':
      return <ConfirmKill target={overlay.target} color={color} />;
    case 'suggest':
      return <SuggestList ports={overlay.ports} index={overlay.index} />;
    case 'filter':
      return <FilterInput draft={overlay.draft} />;
    default:
      return null;
  }
}

/** A problem with the data itself: shown over anything but an action's own error. */
function dataProblem(data: DashboardData): Message | undefined {
  if (data.registryError !== undefined) {
    const { text, hint } = messageOf(data.registryError);
    const shown = data.rows.allocations.length > 0 ? `showing the last good rows: ${text}` : text;
    return hint === undefined
      ? { tone: 'error', text: shown }
      : { tone: 'error', text: shown, hint };
  }
  return data.refreshError === undefined ? undefined : messageOf(data.refreshError);
}

/** Why states read unknown: shown when nothing else has to be said. */
function scannerNote(data: DashboardData): Message | undefined {
  const scanner = data.view?.scanner;
  if (!scanner || scanner.available) return undefined;
  return {
    tone: 'warning',
    text: `live state unknown: ${scanner.reason ?? 'the socket scanner is unavailable'}`,
    hint: "the registry still works; 'pm doctor' says more about the scanner",
  };
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
  acting,
}: AppProps) {
  const { exit } = useApp();
  const size = useTerminalSize();
  const data = useDashboardData(deps, intervalMs, onRefreshed);
  const [ui, dispatch] = useReducer(dashboardReducer, initialUiState);
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
    ...(acting ? { acting } : {}),
  });
  useEffect(
    () =>
      notices?.subscribe((text) => dispatch({ type: 'notify', message: { tone: 'info', text } })),
    [notices],
  );

  const mode = modeOf(ui);
  const filter = activeFilter(ui);
  const rows = useMemo(
    () =>
      visibleRows(data.rows, {
        filter,
        showUnmanaged: ui.showUnmanaged,
        ...(ui.sort ? { sort: ui.sort } : {}),
      }),
    [data.rows, filter, ui.showUnmanaged, ui.sort],
  );
  const selected = selectedIndex(ui.selection, rows);
  const height = tableHeight(size.rows, ui.overlay);

  // The one keyboard handler: keys go to the reducer, which knows the mode and the keymap.
  // What is on screen reaches it through a ref set at commit time: a handler closing over
  // render values would act on the previous data until React re-subscribed it.
  const context = useRef<KeyContext>({ rows: data.rows, terminalRows: size.rows });
  useLayoutEffect(() => {
    context.current = { rows: data.rows, terminalRows: size.rows };
  }, [data.rows, size.rows]);
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

  const allocations = data.rows.allocations;
  const shownMessage =
    ui.message?.tone === 'error'
      ? ui.message
      : (dataProblem(data) ?? ui.message ?? scannerNote(data));
  const emptyText =
    data.registryError !== undefined
      ? 'the registry could not be read: see the message below'
      : filter !== ''
        ? `no rows match "${filter}" (Esc in the filter clears it)`
        : 'no allocations yet: press a to allocate a port';

  return (
    <Box flexDirection="column" width={size.columns}>
      <Header
        registryPath={registryPath}
        range={formatRange(view.registry.defaults.range)}
        backend={view.scanner.backend}
        scannerAvailable={view.scanner.available}
        intervalMs={intervalMs}
        allocations={allocations.length}
        active={
          allocations.filter((row) => row.state === 'active' || row.state === 'conflict').length
        }
        shown={rows.length}
        filter={filter}
        showUnmanaged={ui.showUnmanaged}
        sort={ui.sort ?? 'project'}
        width={size.columns}
        color={color}
      />
      <Box height={1} />
      <Box height={height} flexDirection="column">
        {ui.overlay.kind === 'help' ? (
          <HelpScreen height={height} offset={ui.overlay.offset} />
        ) : ui.overlay.kind === 'detail' ? (
          <DetailView
            lines={detailLines(detailSource(view, ui.overlay.key, ui.overlay.process))}
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
      <Panel overlay={ui.overlay} color={color} />
      <MessageLine message={shownMessage} color={color} />
      <HelpBar mode={mode} width={size.columns} />
    </Box>
  );
}
