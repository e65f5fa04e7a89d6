// Performs what the reducer asked for (allocate, free, suggest, refresh, quit) with the same
// core functions the CLI calls. Results and errors come back as reducer actions; the data is
// refreshed right after every change.
import { type Dispatch, useEffect, useRef } from 'react';
import { allocate, type Deps, free, suggest } from '../../core/actions/index.js';
import { freeTarget } from '../model/free-target.js';
import { SUGGESTION_COUNT } from '../model/layout.js';
import type { Outgoing, Request, UiAction } from '../model/state.js';
import { type ActingPorts, performActing } from './acting-requests.js';

export interface RequestHandlers {
  readonly deps: Deps;
  readonly dispatch: Dispatch<UiAction>;
  readonly refresh: () => Promise<void>;
  readonly quit: (interrupted: boolean) => void;
  /** What the terminal does for Ctrl-L and Ctrl-Z; absent where there is none (tests). */
  readonly terminal?: TerminalControl;
  /** The terminal writer (OSC 52) and the browser opener for c and b. */
  readonly acting?: ActingPorts;
}

export interface TerminalControl {
  readonly redraw?: () => void;
  readonly suspend?: () => void;
}

function perform(request: Request, handlers: RequestHandlers): void {
  const { deps, dispatch, refresh } = handlers;
  const run = (work: () => Promise<UiAction>, changes: boolean) => {
    work().then(
      (result) => {
        dispatch(result);
        if (changes) void refresh();
      },
      async (error: unknown) => {
        // A failed change may mean someone else changed the registry meanwhile: look again
        // first, so the error is shown against the registry as it is now (and a later change
        // of the registry, not this look, is what makes it out of date).
        if (changes) await refresh();
        dispatch({ type: 'failed', error });
      },
    );
  };
  switch (request.kind) {
    case 'allocate':
      run(async () => ({ type: 'allocated', result: await allocate(deps, request.request) }), true);
      return;
    case 'free':
      run(async () => {
        await free(deps, freeTarget(request.target));
        return { type: 'freed', target: request.target };
      }, true);
      return;
    case 'suggest':
      run(async () => ({ type: 'suggested', ports: await suggest(deps, SUGGESTION_COUNT) }), false);
      return;
    case 'refresh':
      void refresh();
      return;
    case 'quit':
      handlers.quit(request.interrupted);
      return;
    case 'redraw':
      handlers.terminal?.redraw?.();
      return;
    case 'suspend':
      handlers.terminal?.suspend?.();
      return;
    default:
      performActing(request, deps, dispatch, handlers.acting ?? {}, refresh);
  }
}

export function useRequests(outbox: readonly Outgoing[], handlers: RequestHandlers): void {
  // Ids already performed: a re-run of the effect must never repeat an allocation.
  const done = useRef(0);
  const { deps, dispatch, refresh, quit, terminal, acting } = handlers;
  useEffect(() => {
    const fresh = outbox.filter((item) => item.id > done.current);
    const last = fresh.at(-1);
    if (last === undefined) return;
    done.current = last.id;
    dispatch({ type: 'taken', upTo: last.id });
    const all = {
      deps,
      dispatch,
      refresh,
      quit,
      ...(terminal ? { terminal } : {}),
      ...(acting ? { acting } : {}),
    };
    for (const { request } of fresh) perform(request, all);
  }, [outbox, deps, dispatch, refresh, quit, terminal, acting]);
}
