import { Box, Text } from 'ink';
import { memo } from 'react';
import { sanitize } from '../../view/sanitize.js';
import { tailToCells } from '../../view/width.js';
import { type FieldName, type FormState, fieldsOf } from '../model/form.js';
import { toneStyle } from './theme.js';

export interface AllocateFormProps {
  readonly form: FormState;
  readonly color: boolean;
  /** The terminal's width: a value longer than its line is shown with its end. */
  readonly columns: number;
}

const LABELS: Readonly<Record<FieldName, string>> = {
  project: 'project',
  service: 'service',
  port: 'port',
};

/** The marker and the label in front of each value. */
const LABEL_CELLS = 2 + 9;

const PLACEHOLDERS: Readonly<Record<FieldName, string>> = {
  project: 'e.g. shop',
  service: 'e.g. web',
  port: 'blank = first free port',
};

function AllocateFormView({ form, color, columns }: AllocateFormProps) {
  const fields = fieldsOf(form.purpose);
  const title =
    form.purpose.kind === 'suggested' ? `Allocate port ${form.purpose.port}` : 'Allocate a port';
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {title}
        {form.submitting ? <Text dimColor> allocating…</Text> : null}
      </Text>
      {fields.map((field, index) => {
        const focused = index === form.focus;
        const value = form.values[field];
        return (
          <Text key={field} wrap="truncate-end">
            {focused ? '› ' : '  '}
            {`${LABELS[field]}:`.padEnd(LABEL_CELLS - 2)}
            {/* The end of a long name, where the user is typing; the cursor takes one cell. */}
            {tailToCells(value, Math.max(1, columns - LABEL_CELLS - 1))}
            {focused && !form.submitting ? <Text inverse> </Text> : null}
            {value === '' ? <Text dimColor> {PLACEHOLDERS[field]}</Text> : null}
          </Text>
        );
      })}
      {form.error ? (
        <Text wrap="truncate-end">
          <Text {...toneStyle('error', color)}>✗ {sanitize(form.error.message)}</Text>
          {form.error.hint ? <Text dimColor> ({sanitize(form.error.hint)})</Text> : null}
        </Text>
      ) : (
        <Text> </Text>
      )}
    </Box>
  );
}

/** Project, service and optional port; Enter moves on and submits on the last field. */
export const AllocateForm = memo(AllocateFormView);
