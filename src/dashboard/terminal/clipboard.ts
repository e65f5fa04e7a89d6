// Copying through the terminal: OSC 52 asks the terminal to put text on the system clipboard.
// It travels with the output, so it works over SSH. tmux takes it itself when its
// `set-clipboard` option is on (and hands it on to the outer terminal); with `allow-passthrough`
// on, the DCS-wrapped copy below reaches the outer terminal directly. Sending both is harmless:
// the same text is set twice.

const BEL = '\u0007';
const ESC = '\u001b';

/** The escape sequence that sets the clipboard ('c') to `text`. */
export function osc52(text: string, tmux = false): string {
  const plain = `${ESC}]52;c;${Buffer.from(text, 'utf8').toString('base64')}${BEL}`;
  if (!tmux) return plain;
  // tmux passthrough: DCS tmux; <sequence with every ESC doubled> ST.
  return `${plain}${ESC}Ptmux;${plain.replaceAll(ESC, `${ESC}${ESC}`)}${ESC}\\`;
}
