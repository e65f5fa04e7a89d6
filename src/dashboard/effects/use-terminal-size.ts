// The terminal's size, kept current on resize so the table re-lays itself out.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

const FALLBACK: TerminalSize = { columns: 80, rows: 24 };

/** Ink 8 types its stdout as a plain writable; a terminal's carries its size. */
function sizeOf(stream: object): TerminalSize {
  const { columns = 0, rows = 0 } = stream as { columns?: number; rows?: number };
  return {
    columns: columns > 0 ? columns : FALLBACK.columns,
    rows: rows > 0 ? rows : FALLBACK.rows,
  };
}

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const update = () =>
      setSize((previous) => {
        const next = sizeOf(stdout);
        return next.columns === previous.columns && next.rows === previous.rows ? previous : next;
      });
    stdout.on('resize', update);
    update();
    return () => {
      stdout.off('resize', update);
    };
  }, [stdout]);
  return size;
}
