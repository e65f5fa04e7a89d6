// Performs what the reducer asked for (allocate, free, suggest, refresh, quit) with the same
// core functions the CLI calls. Results and errors come back as reducer actions; the data is
// refreshed right after every change.
import { type Dispatch, useEffect, useRef } from 'react';
import { allocate, type Deps, free, suggest } from '../../core/actions.js';
import { SUGGESTION_COUNT } from '../layout.js';
import { freeTarget, type Outgoing, type Request, type UiAction } from '../state.js';
import { type ActingPorts, performActing } from './acting-requests.js';

export interface RequestHandlers {
  readonly deps: Deps;
  readonly dispatch: Dispatch<UiAction>;
  readonly refresh: () => void;
  readonly quit: (interrupted: boolean) => void;
  readonly acting?: ActingPorts;
}

function perform(request: Request, handlers: RequestHandlers): void {
  const { deps, dispatch, refresh } = handlers;
  const run = (work: () => Promise<UiAction>, changes: boolean) => {
    work()
      .then(dispatch, (error: unknown) => dispatch({ type: 'failed', error }))
      // Even a failed change may mean someone else changed the registry meanwhile: look again.
      .finally(() => {
        if (changes) refresh();
      });
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
      refresh();
      return;
    case 'quit':
      handlers.quit(request.interrupted);
      return;
    default:
      performActing(request, deps, dispatch, handlers.acting ?? {}, refresh);
  }
}

export function useRequests(outbox: readonly Outgoing[], handlers: RequestHandlers): void {
  // Ids already performed: a re-run of the effect must never repeat an allocation.
  const done = useRef(0);
  const { deps, dispatch, refresh, quit, acting } = handlers;
  useEffect(() => {
    const fresh = outbox.filter((item) => item.id > done.current);
    const last = fresh.at(-1);
    if (last === undefined) return;
    done.current = last.id;
    dispatch({ type: 'taken', upTo: last.id });
    for (const { request } of fresh) {
      perform(request, { deps, dispatch, refresh, quit, ...(acting ? { acting } : {}) });
    }
  }, [outbox, deps, dispatch, refresh, quit, acting]);
}
