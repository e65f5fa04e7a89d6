// One polling loop: a chained setTimeout, so a slow load delays the next one instead of
// overlapping it. The last good data stays on screen beside the error of a failed load.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  /** When the last load finished (ms since the epoch), good or bad. */
  readonly at: number | undefined;
}

export interface PollingOptions<T> {
  readonly intervalMs: number;
  /** Equal signatures mean equal data: the previous object is kept and nothing re-renders. */
  readonly signature: (data: T) => string;
  readonly now?: () => number;
}

export interface Polling<T> extends Polled<T> {
  /** Loads now; during a load, schedules exactly one more right after it. */
  readonly refresh: () => void;
}

interface Snapshot<T> extends Polled<T> {
  readonly signature: string | undefined;
}

const noop = () => {};

export function usePolling<T>(load: () => Promise<T>, options: PollingOptions<T>): Polling<T> {
  const { intervalMs, signature, now = Date.now } = options;
  const [snapshot, setSnapshot] = useState<Snapshot<T>>({
    data: undefined,
    error: undefined,
    at: undefined,
    signature: undefined,
  });
  const refreshRef = useRef<() => void>(noop);
  // Outlives one effect run: a loop restarted with new options waits for the old load.
  const inflight = useRef<Promise<unknown>>(Promise.resolve());

  useEffect(() => {
    let cancelled = false;
    let running = false;
    let again = false;
    let timer: NodeJS.Timeout | undefined;

    const tick = async () => {
      clearTimeout(timer);
      running = true;
      try {
        const run = inflight.current.then(load);
        inflight.current = run.catch(noop);
        const data = await run;
        if (cancelled) return;
        const at = now();
        const next = signature(data);
        setSnapshot((previous) =>
          previous.signature === next && previous.error === undefined && previous.at === at
            ? previous
            : {
                data: previous.signature === next ? previous.data : data,
                error: undefined,
                at,
                signature: next,
              },
        );
      } catch (error) {
        if (cancelled) return;
        const at = now();
        setSnapshot((previous) => ({ ...previous, error, at }));
      } finally {
        running = false;
        if (!cancelled) {
          if (again) {
            again = false;
            void tick();
          } else {
            timer = setTimeout(tick, intervalMs);
          }
        }
      }
    };

    refreshRef.current = () => {
      if (cancelled) return;
      if (running) again = true;
      else void tick();
    };
    void tick();
    return () => {
      cancelled = true;
      clearTimeout(timer);
      refreshRef.current = noop;
    };
  }, [load, intervalMs, signature, now]);

  const refresh = useCallback(() => refreshRef.current(), []);
  return { data: snapshot.data, error: snapshot.error, at: snapshot.at, refresh };
}
