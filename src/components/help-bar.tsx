import { Text } from 'ink';
import { memo } from 'react';
import { type HintItem, hintsFor, type KeyAction, type KeySituation, type Mode } from './keymap.js';

export interface HelpBarProps {
  readonly mode: Mode;
  readonly width: number;
  readonly situation: KeySituation;
}

/** Hints kept however narrow the terminal: how to get help and how to get out. */
const ESSENTIAL: ReadonlySet<KeyAction> = new Set([
  'help',
  'quit',
  'unfilter',
  'closeHelp',
  'closeMessage',
  'cancel',
  'confirmNo',
  'clearFilter',
]);

const SEPARATOR = '  ';
const textOf = (item: HintItem) => `${item.keys} ${item.label}`;

/**
 * The hints that fit the width, in keymap order; the rest are on the help screen. The
 * essential ones are kept first, the others added while they still fit beside them.
 */
export function helpBarText(mode: Mode, width: number, situation: KeySituation): string {
  const items = hintsFor(mode, situation);
  const lengthOf = (shown: readonly HintItem[]) =>
    shown.reduce(
      (sum, item, index) => sum + textOf(item).length + (index ? SEPARATOR.length : 0),
      0,
    );
  const shown = new Set(items.filter((item) => ESSENTIAL.has(item.action)));
  for (const item of items) {
    if (shown.has(item)) continue;
    const candidate = items.filter((other) => other === item || shown.has(other));
    if (lengthOf(candidate) <= width) shown.add(item);
  }
  return items
    .filter((item) => shown.has(item))
    .map(textOf)
    .join(SEPARATOR);
}

function HelpBarView({ mode, width, situation }: HelpBarProps) {
  return (
    <Text dimColor wrap="truncate-end">
      {helpBarText(mode, width, situation)}
    </Text>
  );
}

/** The keys of the current mode, generated from the keymap. */
export const HelpBar = memo(HelpBarView);
