import { Text } from 'ink';
import { memo } from 'react';

export interface FilterInputProps {
  readonly draft: string;
}

function FilterInputView({ draft }: FilterInputProps) {
  return (
    <Text wrap="truncate-end">
      <Text bold>/ </Text>
      {draft}
      <Text inverse> </Text>
      {draft === '' ? <Text dimColor> type to filter by any column</Text> : null}
    </Text>
  );
}

/** The filter being typed; rows narrow as you type. */
export const FilterInput = memo(FilterInputView);
