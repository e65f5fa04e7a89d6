// A thin layer over ink-testing-library: plain-text frames, named keys, and waiting for a
// frame by condition (never by a fixed sleep), so tests read like what a user does.
import { render as inkRender } from 'ink-testing-library';
import type { ReactElement } from 'react';

const KEYS: Readonly<Record<string, string>> = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  'shift-tab': '\u001b[Z',
  backspace: '\u007f',
  delete: '\u001b[3~',
  pageup: '\u001b[5~',
  pagedown: '\u001b[6~',
  home: '\u001b[H',
  end: '\u001b[F',
  'ctrl-c': '\u0003',
};

import { stripAnsi } from '../../../src/view/ansi.js';

export { stripAnsi };

export interface Rendered {
  /** The last frame as plain text. */
  frame(): string;
  /** How many frames were written so far (each re-render writes one in test mode). */
  frameCount(): number;
  /** Presses one key: a name from KEYS ('enter', 'ctrl-c', 'pagedown') or literal text. */
  press(key: string): Promise<void>;
  /** Types text one character at a time, as a person would. */
  type(text: string): Promise<void>;
  waitForFrame(predicate: (frame: string) => boolean, timeoutMs?: number): Promise<string>;
  waitForText(text: string, timeoutMs?: number): Promise<string>;
  /** False once the app has exited: Ink detaches from stdin when it stops. */
  listening(): boolean;
  /** Changes the fake terminal's size and tells the app, like a window resize. */
  resize(columns: number, rows: number): void;
  unmount(): void;
}

const POLL_MS = 5;

async function until(
  condition: () => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function renderInk(
  tree: ReactElement,
  size: { columns?: number; rows?: number } = {},
): Rendered {
  const instance = inkRender(tree);
  const { stdout, stdin } = instance;
  let columns = size.columns ?? 100;
  let rows = size.rows ?? 24;
  Object.defineProperty(stdout, 'columns', { get: () => columns, configurable: true });
  Object.defineProperty(stdout, 'rows', { get: () => rows, configurable: true });
  if (size.columns !== undefined || size.rows !== undefined) stdout.emit('resize');

  const frame = () => stripAnsi(instance.lastFrame() ?? '');
  const waitForFrame = async (predicate: (frame: string) => boolean, timeoutMs = 3000) => {
    await until(
      () => predicate(frame()),
      timeoutMs,
      () => `the frame did not match; last frame:\n${frame()}`,
    );
    return frame();
  };
  // Keys written before the app listens are lost (ink-testing-library issue #29): wait until
  // there is a frame and Ink has attached its stdin listener.
  const ready = () =>
    until(
      () => instance.lastFrame() !== undefined && stdin.listenerCount('readable') > 0,
      3000,
      () => 'the app never started listening to stdin',
    );
  const press = async (key: string) => {
    await ready();
    stdin.write(KEYS[key] ?? key);
  };
  return {
    frame,
    frameCount: () => instance.frames.length,
    press,
    type: async (text: string) => {
      for (const character of text) await press(character);
    },
    waitForFrame,
    listening: () => stdin.listenerCount('readable') > 0,
    waitForText: (text: string, timeoutMs?: number) =>
      waitForFrame((current) => current.includes(text), timeoutMs),
    resize: (nextColumns: number, nextRows: number) => {
      columns = nextColumns;
      rows = nextRows;
      stdout.emit('resize');
    },
    unmount: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
}
