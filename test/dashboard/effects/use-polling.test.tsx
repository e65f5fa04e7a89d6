import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { usePolling } from '../../../src/dashboard/effects/use-polling.js';

// Only the polling timers are faked: Ink's own scheduling keeps running normally.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const signature = (value: string) => value;

/** Lets React run its effects and promises settle (real setImmediate), around moving the clock. */
async function advance(ms: number): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await vi.advanceTimersByTimeAsync(ms);
  await new Promise((resolve) => setImmediate(resolve));
}

function Probe(props: {
  readonly load: () => Promise<string>;
  readonly onRefresh?: (refresh: () => void) => void;
  readonly initial?: string;
}) {
  const polled = usePolling(props.load, {
    intervalMs: 1000,
    signature,
    ...(props.initial === undefined ? {} : { initial: props.initial }),
  });
  props.onRefresh?.(polled.refresh);
  const error = polled.error instanceof Error ? ` error:${polled.error.message}` : '';
  return <Text>{`data:${polled.data ?? '-'}${error}`}</Text>;
}

/** A load the test controls: counts calls and how many run at once. */
function controlledLoad(durationMs: number, results: readonly (string | Error)[]) {
  let calls = 0;
  let running = 0;
  let maxRunning = 0;
  const load = () => {
    const result = results[Math.min(calls, results.length - 1)];
    calls++;
    running++;
    maxRunning = Math.max(maxRunning, running);
    return new Promise<string>((resolve, reject) => {
      const settle = () => {
        running--;
        if (result instanceof Error) reject(result);
        else resolve(result ?? '');
      };
      if (durationMs === 0) settle();
      else setTimeout(settle, durationMs);
    });
  };
  return {
    load,
    get calls() {
      return calls;
    },
    get maxRunning() {
      return maxRunning;
    },
  };
}

describe('usePolling', () => {
  it('loads at once, then once per interval after each load finishes', async () => {
    const source = controlledLoad(0, ['a']);
    const view = render(<Probe load={source.load} />);
    await advance(0);
    expect(source.calls).toBe(1);
    expect(view.lastFrame()).toBe('data:a');
    await advance(3000);
    expect(source.calls).toBe(4);
    view.unmount();
  });

  it('shows data loaded before mounting in the first frame, and loads again one interval later', async () => {
    const source = controlledLoad(0, ['b']);
    const view = render(<Probe load={source.load} initial="a" />);
    expect(view.lastFrame()).toBe('data:a');
    await advance(500);
    expect(source.calls).toBe(0);
    await advance(600);
    expect(source.calls).toBe(1);
    expect(view.lastFrame()).toBe('data:b');
    view.unmount();
  });

  it('never overlaps loads: a slow load pushes the next one back', async () => {
    const source = controlledLoad(2500, ['a']);
    const view = render(<Probe load={source.load} />);
    // Each cycle is 2500 ms of loading plus 1000 ms of waiting: loads start at 0 and 3500.
    await advance(6900);
    expect(source.calls).toBe(2);
    expect(source.maxRunning).toBe(1);
    view.unmount();
  });

  it('queues one refresh behind a running load instead of starting another', async () => {
    const source = controlledLoad(500, ['a']);
    let refresh = () => {};
    const view = render(<Probe load={source.load} onRefresh={(next) => (refresh = next)} />);
    await advance(100);
    refresh();
    refresh();
    refresh();
    expect(source.calls).toBe(1);
    await advance(400);
    // The first load finished; exactly one more starts right away.
    expect(source.calls).toBe(2);
    expect(source.maxRunning).toBe(1);
    view.unmount();
  });

  it('keeps the last good data beside the error of a failed load', async () => {
    const source = controlledLoad(0, ['a', new Error('boom'), 'b']);
    const view = render(<Probe load={source.load} />);
    await advance(0);
    expect(view.lastFrame()).toBe('data:a');
    await advance(1000);
    expect(view.lastFrame()).toBe('data:a error:boom');
    await advance(1000);
    expect(view.lastFrame()).toBe('data:b');
    view.unmount();
  });

  it('stops polling when unmounted', async () => {
    const source = controlledLoad(0, ['a']);
    const view = render(<Probe load={source.load} />);
    await advance(2000);
    const calls = source.calls;
    view.unmount();
    await advance(10_000);
    expect(source.calls).toBe(calls);
  });
});
