import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  ESC,
  formatClock,
  repaint,
  Screen,
  withStatus,
} from '../../../src/dashboard/terminal/screen.js';
import { stripAnsi } from '../helpers/render.js';

const at = (row: number, text: string) => `${ESC}${row};1H${ESC}2K${text}`;

describe('repainting a frame', () => {
  it('writes only the lines that changed, each at its own row', () => {
    expect(repaint(['a', 'b', 'c'], ['a', 'B', 'c'], 10)).toBe(at(2, 'B'));
    expect(repaint(['a', 'b'], ['a', 'b'], 10)).toBe('');
  });

  it('blanks the rows a shorter frame no longer uses', () => {
    expect(repaint(['a', 'b', 'c'], ['a'], 10)).toBe(at(2, '') + at(3, ''));
  });

  it('never writes below the last row, so the screen cannot scroll', () => {
    expect(repaint([], ['1', '2', '3', '4'], 2)).toBe(at(1, '1') + at(2, '2'));
  });
});

class FakeTerminal extends EventEmitter {
  columns = 80;
  rows = 24;
  written = '';
  write(text: string) {
    this.written += text;
    return true;
  }
}

describe('the screen Ink renders into', () => {
  it('uses the alternate screen and hides the cursor until closed', () => {
    const terminal = new FakeTerminal();
    const screen = new Screen(terminal);
    screen.open();
    expect(terminal.written).toContain(`${ESC}?1049h`);
    expect(terminal.written).toContain(`${ESC}?25l`);
    terminal.written = '';
    screen.close();
    screen.close();
    // The alternate screen blanked (nothing of it can be carried over), line wrap back on,
    // cursor shown, normal screen; once.
    expect(terminal.written).toBe(`${ESC}H${ESC}2J${ESC}?7h${ESC}?25h${ESC}?1049l`);
  });

  it('turns line wrap off and clips lines wider than the terminal', () => {
    const terminal = new FakeTerminal();
    const screen = new Screen(terminal);
    screen.open();
    expect(terminal.written).toContain(`${ESC}?7l`);
    terminal.columns = 10;
    screen.write(`${'x'.repeat(30)}\n\u001b[1m${'y'.repeat(30)}\u001b[22m`);
    expect(terminal.written).toContain(at(1, 'x'.repeat(10)));
    // Colour codes after the cut are kept (they print nothing), and the style is reset.
    expect(terminal.written).toContain(at(2, `\u001b[1m${'y'.repeat(10)}\u001b[22m\u001b[0m`));
    expect(terminal.written).not.toContain('x'.repeat(11));
  });

  it('repaints the whole frame on a blank screen when asked to redraw (Ctrl-L)', () => {
    const terminal = new FakeTerminal();
    const screen = new Screen(terminal);
    screen.open();
    screen.write('title\nrow');
    terminal.written = '';
    screen.redraw();
    expect(terminal.written).toContain(`${ESC}2J${at(1, 'title')}${at(2, 'row')}`);
  });

  it("takes Ink 8's empty write with a callback as a flush barrier: paints nothing, calls back", async () => {
    const terminal = new FakeTerminal();
    const screen = new Screen(terminal);
    screen.open();
    screen.write('title\nrow');
    terminal.written = '';
    const flushed = new Promise<void>((resolve) => screen.write('', resolve));
    await flushed;
    expect(terminal.written).toBe('');
  });

  it('writes nothing when a frame repeats the previous one', () => {
    const terminal = new FakeTerminal();
    const screen = new Screen(terminal);
    screen.open();
    screen.write('title\nrow');
    terminal.written = '';
    screen.write('title\nrow');
    expect(terminal.written).toBe('');
    screen.write('title\nrow 2');
    expect(terminal.written).toContain(at(2, 'row 2'));
    expect(terminal.written).not.toContain('title');
  });

  it('repaints everything after a resize and tells Ink about it', () => {
    const terminal = new FakeTerminal();
    const screen = new Screen(terminal);
    let told = 0;
    screen.on('resize', () => told++);
    screen.open();
    screen.write('title\nrow');
    terminal.written = '';
    terminal.columns = 40;
    terminal.emit('resize');
    expect(screen.columns).toBe(40);
    expect(told).toBe(1);
    // Cleared, then the last frame is back even before Ink draws a new one.
    expect(terminal.written).toContain(`${ESC}2J`);
    expect(terminal.written).toContain(at(1, 'title'));
    expect(terminal.written).toContain(at(2, 'row'));
    screen.close();
    terminal.emit('resize');
    expect(told).toBe(1);
  });
});

describe('the refresh clock in the top right corner', () => {
  it('is right-aligned on the first line when it fits', () => {
    const line = withStatus('pm registry /r.toml', 'refreshed 12:00:00', 40);
    expect(stripAnsi(line)).toBe(`pm registry /r.toml${' '.repeat(3)}refreshed 12:00:00`);
  });

  it('measures the line without its colour codes, and gives way when there is no room', () => {
    expect(withStatus('\u001b[1mpm\u001b[22m x', 'clock', 12)).toContain('clock');
    expect(withStatus('a'.repeat(30), 'refreshed 12:00:00', 40)).toBe('a'.repeat(30));
  });

  it('repaints only the first line when the clock changes', () => {
    const terminal = new FakeTerminal();
    const screen = new Screen(terminal);
    screen.open();
    screen.write('pm registry /r.toml\nrow 1\nrow 2');
    terminal.written = '';
    screen.setStatus(`refreshed ${formatClock(new Date(2026, 0, 1, 9, 5, 7).getTime())}`);
    expect(terminal.written).toContain('refreshed 09:05:07');
    expect(terminal.written).toContain(`${ESC}1;1H`);
    expect(terminal.written).not.toContain('row');
    // The clock survives the next frame from Ink.
    terminal.written = '';
    screen.write('pm registry /r.toml\nrow 1\nrow 2 changed');
    expect(terminal.written).not.toContain('refreshed');
    expect(terminal.written).toContain('row 2 changed');
  });
});
