// The detail view's text: the allocation, why its state is what it is, and the process. Every
// string from the registry or another process goes through sanitize here, once.
import { shortId } from '../core/model/containers.js';
import { explainState, listenerName } from '../core/model/explain.js';
import {
  type NamedListener,
  primaryListener,
  type StatusRow,
  type UnmanagedRow,
} from '../core/model/status.js';
import type { ProcessDetail } from '../core/ports.js';
import { endpoint } from './endpoint.js';
import { sanitize } from './sanitize.js';

export interface DetailLine {
  /** Left column ('' for a continuation). */
  readonly label: string;
  readonly text: string;
  readonly tone?: 'dim' | 'warning';
}

/** What the view shows about the process: still loading, or what the inspector answered. */
export type ProcessPart =
  | { readonly kind: 'none' }
  | { readonly kind: 'loading'; readonly pid: number }
  | { readonly kind: 'loaded'; readonly pid: number; readonly detail: ProcessDetail | undefined }
  | { readonly kind: 'failed'; readonly pid: number; readonly reason: string };

export interface DetailSource {
  /** An allocation's row, or an unmanaged listener's; undefined once it is gone. */
  readonly row?: StatusRow | UnmanagedRow;
  readonly projectPath?: string;
  readonly scannerReason?: string;
  /** The allocation's name while `pm proxy` runs. */
  readonly proxyUrl?: string;
  readonly process: ProcessPart;
  /** The time now, for the uptime. */
  readonly now: number;
}

const isAllocation = (row: StatusRow | UnmanagedRow): row is StatusRow => 'project' in row;

/** "2 h 05 min", "40 s": how long a process has been up. */
export function formatUptime(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} days`;
}

/** A command line as one line: arguments with spaces quoted, so they read as one. */
export function commandLine(argv: readonly string[]): string {
  return argv.map((arg) => (arg === '' || /\s/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');
}

function processLines(part: ProcessPart, now: number): DetailLine[] {
  switch (part.kind) {
    case 'none':
      return [{ label: 'process', text: 'none: nothing listens', tone: 'dim' }];
    case 'loading':
      return [{ label: 'process', text: `pid ${part.pid}: reading…`, tone: 'dim' }];
    case 'failed':
      return [
        {
          label: 'process',
          text: `pid ${part.pid}: ${sanitize(part.reason)}`,
          tone: 'warning',
        },
      ];
    case 'loaded':
      break;
  }
  const { detail, pid } = part;
  if (detail === undefined) {
    return [{ label: 'process', text: `pid ${pid} has exited`, tone: 'warning' }];
  }
  const missing = (field: keyof ProcessDetail['unavailable']) =>
    `unavailable: ${sanitize(detail.unavailable[field] ?? 'the OS did not say')}`;
  const user =
    detail.user !== undefined || detail.uid !== undefined
      ? `${sanitize(detail.user ?? '?')}${detail.uid !== undefined ? ` (uid ${detail.uid})` : ''}`
      : missing('user');
  const started =
    detail.startTime === undefined
      ? missing('startTime')
      : `${new Date(detail.startTime).toISOString().replace('T', ' ').slice(0, 19)} UTC (up ${formatUptime(now - detail.startTime)})`;
  const sockets =
    detail.sockets === undefined
      ? [missing('sockets')]
      : detail.sockets.length === 0
        ? ['none']
        : detail.sockets.map(
            (socket) =>
              `${socket.protocol} ${endpoint(socket.address, socket.port)}${socket.state ? ` ${sanitize(socket.state)}` : ''}`,
          );
  return [
    { label: 'process', text: `pid ${pid}${detail.name ? ` ${sanitize(detail.name)}` : ''}` },
    {
      label: 'command',
      text: detail.command ? sanitize(commandLine(detail.command)) : missing('command'),
    },
    { label: 'cwd', text: detail.cwd !== undefined ? sanitize(detail.cwd) : missing('cwd') },
    { label: 'user', text: user },
    { label: 'started', text: started },
    { label: 'ppid', text: detail.ppid !== undefined ? String(detail.ppid) : missing('ppid') },
    {
      label: 'executable',
      text: detail.executable !== undefined ? sanitize(detail.executable) : missing('executable'),
    },
    ...sockets.map((text, index) => ({ label: index === 0 ? 'sockets' : '', text })),
  ];
}

/** A container's part: what runs behind the port, instead of the engine's forwarder. */
function containerLines(listeners: readonly NamedListener[]): DetailLine[] | undefined {
  const container = primaryListener(listeners)?.container;
  if (container === undefined) return undefined;
  const own = listeners.filter((listener) => listener.container?.id === container.id);
  const compose =
    container.composeProject !== undefined
      ? `project ${sanitize(container.composeProject)}, service ${sanitize(container.composeService ?? '?')}`
      : 'none';
  const forwarders = [
    ...new Set(
      own.map(
        (listener) =>
          `${sanitize(listener.process ?? 'a process of another user')}${listener.pid !== undefined ? ` (pid ${listener.pid})` : ''}`,
      ),
    ),
  ];
  return [
    { label: 'container', text: `${sanitize(container.name)} (id ${shortId(container.id)})` },
    { label: 'image', text: sanitize(container.image) },
    { label: 'compose', text: compose, ...(compose === 'none' ? { tone: 'dim' as const } : {}) },
    ...own.map((listener, index) => ({
      label: index === 0 ? 'published' : '',
      text: `${listener.protocol} ${sanitize(listener.address)}:${listener.port} -> ${container.privatePort} in the container`,
    })),
    {
      label: 'forwarder',
      text: `${forwarders.join(', ')}: the engine's; x stops the container, never the forwarder`,
      tone: 'dim',
    },
  ];
}

export function detailLines(source: DetailSource): DetailLine[] {
  const { row } = source;
  if (row === undefined) {
    return [
      {
        label: 'gone',
        text: 'this row is no longer there (freed, or nothing listens any more)',
        tone: 'dim',
      },
    ];
  }
  const cwd = source.process.kind === 'loaded' ? source.process.detail?.cwd : undefined;
  const facts = {
    ...(source.projectPath !== undefined ? { projectPath: source.projectPath } : {}),
    ...(cwd !== undefined ? { listenerCwd: cwd } : {}),
    ...(source.scannerReason !== undefined ? { scannerReason: source.scannerReason } : {}),
  };
  const head: DetailLine[] = isAllocation(row)
    ? [
        { label: 'allocation', text: `${sanitize(row.project)}/${sanitize(row.service)}` },
        { label: 'port', text: String(row.port) },
        ...(source.proxyUrl !== undefined
          ? [{ label: 'name', text: `${source.proxyUrl} (pm proxy)` }]
          : []),
        {
          label: 'project path',
          text: source.projectPath !== undefined ? sanitize(source.projectPath) : 'not recorded',
          ...(source.projectPath === undefined ? { tone: 'dim' as const } : {}),
        },
        ...(row.worktreeOf !== undefined
          ? [{ label: 'worktree', text: `a git worktree of ${sanitize(row.worktreeOf)}` }]
          : []),
        {
          label: 'state',
          text: `${row.state}: ${sanitize(explainState(row, facts))}`,
          ...(row.state === 'conflict' ? { tone: 'warning' as const } : {}),
        },
      ]
    : [
        { label: 'allocation', text: 'none (unmanaged)', tone: 'dim' },
        { label: 'port', text: String(row.port) },
        {
          label: 'state',
          text: `unmanaged: ${sanitize(listenerName(row.listeners[0]))} listens, but no allocation owns port ${row.port}`,
        },
      ];
  const holders = 'moved' in row && row.moved ? row.moved.listeners : row.listeners;
  const holder = containerLines(holders) ?? processLines(source.process, source.now);
  return [...head, { label: '', text: '' }, ...holder];
}
