import type { CliIo } from './command.ts';

/**
 * The CLI prints text that comes from the user's files: scenario titles, device names, unparsed
 * lines, file names. A terminal acts on some characters instead of showing them — ESC starts CSI
 * and OSC sequences (clear the screen, set the window title, colour a fake "PASS"), the C1 range
 * has one-byte forms of the same, CR and BS overwrite what was printed, and the bidi controls
 * reorder a line so that it reads differently from what it holds. Every command writes through
 * `inertIo`, so each such character reaches the terminal as a visible `\uXXXX` escape; line
 * feed and tab stay, being the layout of the output itself.
 *
 * `\uXXXX` is also what JSON uses, so in `--json` output and in printed scenario files an escaped
 * character inside a string still parses back to the same character.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are what this matches
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function inertText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The output sink every command gets: `io` with every written text made inert. */
export function inertIo(io: CliIo): CliIo {
  return { out: (text) => io.out(inertText(text)), err: (text) => io.err(inertText(text)) };
}
