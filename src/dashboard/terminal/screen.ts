// The terminal side of the dashboard. Ink renders into this object in its "debug" mode, which
// hands over each complete frame as plain text; this class then repaints only the lines that
// differ from the previous frame, at fixed rows of the alternate screen. Ink's own incremental
// renderer (6.8) misplaces lines by one row on every update, and its standard renderer erases
// and rewrites the whole frame each time, which flickers on terminals without synchronised
// output.
//
// It also draws the refresh clock in the top right corner. The clock changes every second;
// through React it would make Ink rebuild every line of the frame (tens of milliseconds of
// CPU for a full table) only to change eight characters.
import { EventEmitter } from 'node:events';
import { clipToWidth, visibleLength } from '../../view/ansi.js';

export const ESC = '\u001b[';
const ENTER_ALTERNATE_SCREEN = `${ESC}?1049h`;
const LEAVE_ALTERNATE_SCREEN = `${ESC}?1049l`;
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const CLEAR_SCREEN = `${ESC}2J`;
const CURSOR_HOME = `${ESC}H`;
/**
 * No automatic wrap while pm owns the screen: a line one column too wide (a frame laid out for
 * the width before a resize) would otherwise wrap onto the next row, and at the bottom scroll
 * the whole screen, leaving rows the repaint believes unchanged.
 */
const NO_WRAP = `${ESC}?7l`;
const WRAP = `${ESC}?7h`;
/** Synchronised output: supporting terminals show the whole repaint at once, others ignore it. */
const BEGIN_UPDATE = `${ESC}?2026h`;
const END_UPDATE = `${ESC}?2026l`;

/**
 * What to write to turn the `previous` frame into `next`: for each changed line, move to its
 * row, erase it and write it. The line is erased before it is written (not after): a line as
 * wide as the terminal leaves the cursor on its last column, where an erase would eat the
 * last character. Lines beyond `rows` are never written, so the screen never scrolls.
 */
export function repaint(
  previous: readonly string[],
  next: readonly string[],
  rows: number,
): string {
  let out = '';
  const height = Math.min(Math.max(previous.length, next.length), rows);
  for (let row = 0; row < height; row++) {
    const line = next[row];
    if (line === previous[row]) continue;
    out += `${ESC}${row + 1};1H${ESC}2K${line ?? ''}`;
  }
  return out;
}

/** 'HH:MM:SS' in local time. */
export function formatClock(ms: number): string {
  const time = new Date(ms);
  return [time.getHours(), time.getMinutes(), time.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}

/** The first line with `status` right-aligned on it, when both fit; else the line alone. */
export function withStatus(line: string, status: string, columns: number): string {
  if (status === '') return line;
  const used = visibleLength(line);
  const gap = columns - used - status.length;
  if (gap < 1) return line;
  return `${line}${' '.repeat(gap)}${ESC}2m${status}${ESC}22m`;
}

export interface ScreenOutput {
  readonly columns: number;
  readonly rows: number;
  write(text: string): unknown;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

/** A stdout stand-in for Ink: same size as the real terminal, paints frames by difference. */
export class Screen extends EventEmitter {
  readonly isTTY = true;
  private readonly output: ScreenOutput;
  /** The last frame from Ink. */
  private frame: readonly string[] = [];
  /** What is on the terminal now: the frame plus the status. */
  private painted: readonly string[] = [];
  private status = '';
  private active = false;

  constructor(output: ScreenOutput) {
    super();
    this.output = output;
  }

  get columns(): number {
    return this.output.columns > 0 ? this.output.columns : 80;
  }

  get rows(): number {
    return this.output.rows > 0 ? this.output.rows : 24;
  }

  /** Takes over the terminal: alternate screen, hidden cursor, resize tracking. */
  open(): void {
    if (this.active) return;
    this.active = true;
    this.output.write(`${ENTER_ALTERNATE_SCREEN}${HIDE_CURSOR}${NO_WRAP}${CLEAR_SCREEN}`);
    this.output.on('resize', this.resized);
  }

  /**
   * Gives the terminal back as it was. Safe to call more than once. The alternate screen is
   * blanked first: a terminal resized just before (pm had not yet repainted for the new size)
   * may carry rows of it over to the shell's screen as it leaves (tmux does, issue 23 item 11).
   */
  close(): void {
    if (!this.active) return;
    this.active = false;
    this.output.off('resize', this.resized);
    this.output.write(
      `${CURSOR_HOME}${CLEAR_SCREEN}${WRAP}${SHOW_CURSOR}${LEAVE_ALTERNATE_SCREEN}`,
    );
  }

  /**
   * Called by Ink with one complete frame. Ink 8 also writes '' with a callback, as a barrier
   * before its exit promise resolves: not a frame, and the callback must run, as a stream's
   * would, or the dashboard never returns its exit code.
   */
  write(frame: string, done?: () => void): boolean {
    if (frame !== '') {
      this.frame = frame.split('\n');
      this.paint();
    }
    if (done) queueMicrotask(done);
    return true;
  }

  /**
   * A sequence that is not part of any frame (OSC 52 to set the clipboard): written as is,
   * between frames, so it never lands inside a repaint.
   */
  passthrough(sequence: string): void {
    if (this.active) this.output.write(sequence);
  }

  /** Text for the top right corner, such as the time of the last refresh. */
  setStatus(text: string): void {
    if (text === this.status) return;
    this.status = text;
    this.paint();
  }

  /**
   * Paints the whole frame again on a blank screen (Ctrl-L): whatever else wrote to the
   * terminal meanwhile is gone.
   */
  redraw(): void {
    this.painted = [];
    // Cleared and painted in one write: the terminal never shows the blank screen between.
    this.paint(CLEAR_SCREEN);
  }

  private paint(clear = ''): void {
    if (!this.active) return;
    const { columns } = this;
    const [first = '', ...rest] = this.frame;
    const next = [withStatus(first, this.status, columns), ...rest].map((line) =>
      clipToWidth(line, columns),
    );
    const changes = repaint(this.painted, next, this.rows);
    this.painted = next;
    if (changes !== '' || clear !== '') {
      this.output.write(`${BEGIN_UPDATE}${clear}${changes}${END_UPDATE}`);
    }
  }

  private readonly resized = () => {
    // Lines move when the size changes: start from a blank screen and paint it all. Ink
    // usually answers the event with a new frame; if not, the old one comes back, clipped.
    this.emit('resize');
    this.redraw();
  };
}
