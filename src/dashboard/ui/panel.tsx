import type { Overlay } from '../model/state.js';
import { AllocateForm } from './allocate-form.js';
import { ConfirmFree } from './confirm-free.js';
import { ConfirmKill } from './confirm-kill.js';
import { FilterInput } from './filter-input.js';
import { SuggestList } from './suggest-list.js';

/**
 * The panel of the action under way, below the table: a form, a question (free, stop), a
 * list, a filter.
 */
export function Panel({
  overlay,
  color,
  columns,
}: {
  readonly overlay: Overlay;
  readonly color: boolean;
  readonly columns: number;
}) {
  switch (overlay.kind) {
    case 'form':
      return <AllocateForm form={overlay.form} color={color} columns={columns} />;
    case 'confirm':
      return (
        <ConfirmFree
          target={overlay.target}
          color={color}
          stillListening={overlay.stillListening}
        />
      );
    case 'kill':
      return <ConfirmKill target={overlay.target} color={color} />;
    case 'suggest':
      return <SuggestList ports={overlay.ports} index={overlay.index} />;
    case 'filter':
      return <FilterInput draft={overlay.draft} />;
    default:
      return null;
  }
}
