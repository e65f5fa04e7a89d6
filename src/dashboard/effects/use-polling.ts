// One polling loop: a chained setTimeout, so a slow load delays the next one instead of
// overlapping it. The last good data stays on screen beside the error of a failed load, and
// a load that brings nothing new causes no re-render at all.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: unknown;
}

export interface PollingOptions<T> {
  readonly intervalMs: number;
  /** Equal signatures mean equal data: the previous object is kept and nothing re-renders. */
  readonly signature: (data: T) => string;
  /**
   * Told after every load, changed or not. A side channel rather than state: marking each
   * refresh in React state would re-render (and make Ink redraw) the whole screen each time.
   */
  readonly onLoaded?: () => void;
  /** Data loaded before the first render: shown at once, the first load waits one interval. */
  readonly initial?: T;
}

export interface Polling<T> extends Polled<T> {
  /**
   * Loads now; during a load, schedules exactly one more right after it. Resolves once a load
   * that started after the call has finished (its result handed to React).
   */
  readonly refresh: () => Promise<void>;
}

interface Snapshot<T> extends Polled<T> {
  readonly signature: string | undefined;
}

const noop = () => {};
const resolved = () => Promise.resolve();

function sameError(a: unknown, b: unknown): boolean {
  return a instanceof Error && b instanceof Error ? a.message === b.message : a === b;
}

export function usePolling<T>(load: () => Promise<T>, options: PollingOptions<T>): Polling<T> {
  const { intervalMs, signature, onLoaded, initial } = options;
  const [snapshot, setSnapshot] = useState<Snapshot<T>>(() => ({
    data: initial,
    error: undefined,
    signature: initial === undefined ? undefined : signature(initial),
  }));
  const loadedBeforeMount = useRef(initial !== undefined);
  const refreshRef = useRef<() => Promise<void>>(resolved);
  // Outlives one effect run: a loop restarted with new options waits for the old load.
  const inflight = useRef<Promise<unknown>>(Promise.resolve());
  const onLoadedRef = useRef(onLoaded);
  useEffect(() => {
    onLoadedRef.current = onLoaded;
  }, [onLoaded]);

  useEffect(() => {
    let cancelled = false;
    let running = false;
    let again = false;
    let timer: NodeJS.Timeout | undefined;
    /** Callers of refresh() waiting for the next load to start, and for the current one. */
    let waitingForNext: (() => void)[] = [];
    let waitingForThis: (() => void)[] = [];

    const tick = async () => {
      clearTimeout(timer);
      running = true;
      waitingForThis = waitingForNext;
      waitingForNext = [];
      try {
        const run = inflight.current.then(load);
        inflight.current = run.catch(noop);
        const data = await run;
        if (cancelled) return;
        const next = signature(data);
        setSnapshot((previous) =>
          previous.signature === next && previous.error === undefined
            ? previous
            : { data, error: undefined, signature: next },
        );
      } catch (error) {
        if (cancelled) return;
        setSnapshot((previous) =>
          sameError(previous.error, error) ? previous : { ...previous, error },
        );
      } finally {
        running = false;
        for (const done of waitingForThis) done();
        waitingForThis = [];
        if (!cancelled) {
          onLoadedRef.current?.();
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
      if (cancelled) return Promise.resolve();
      const loaded = new Promise<void>((resolve) => waitingForNext.push(resolve));
      if (running) again = true;
      else void tick();
      return loaded;
    };
    if (loadedBeforeMount.current) {
      loadedBeforeMount.current = false;
      timer = setTimeout(tick, intervalMs);
    } else {
      void tick();
    }
    return () => {
      cancelled = true;
      clearTimeout(timer);
      refreshRef.current = resolved;
      for (const done of [...waitingForNext, ...waitingForThis]) done();
    };
  }, [load, intervalMs, signature]);

  const refresh = useCallback(() => refreshRef.current(), []);
  return { data: snapshot.data, error: snapshot.error, refresh };
}
