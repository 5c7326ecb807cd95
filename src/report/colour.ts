// Terminal colour for reports, used only where a person reads the output: a TTY with NO_COLOR unset
// (https://no-color.org). Plain ANSI codes, so no dependency and no surprise on Node versions.

/** A stream reporters write to; `isTTY` decides colour and the renderer. */
export type OutStream = NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };

/** Paints text in one meaning's colour, or returns it unchanged when colour is off. */
export type Paint = (text: string) => string;

/** One paint per meaning, so formatters say what a text is, not which colour it gets. */
export interface Palette {
  readonly ok: Paint;
  readonly changed: Paint;
  readonly failed: Paint;
  readonly skipped: Paint;
  readonly unreachable: Paint;
  readonly warn: Paint;
  readonly header: Paint;
  readonly added: Paint;
  readonly removed: Paint;
  readonly hunk: Paint;
}

const code = (open: number, close: number): Paint => (text) => `\u001b[${open}m${text}\u001b[${close}m`;

/** True when `out` is a terminal and the user has not asked for no colour. */
export function wantsColour(out: OutStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return out.isTTY === true && (env.NO_COLOR ?? "") === "";
}

/** The palette: Ansible's colours (green ok, yellow changed, red failed, cyan skipped) or none at all. */
export function palette(colour: boolean): Palette {
  const plain: Paint = (text) => text;
  if (!colour) {
    return { ok: plain, changed: plain, failed: plain, skipped: plain, unreachable: plain, warn: plain, header: plain, added: plain, removed: plain, hunk: plain };
  }
  return {
    ok: code(32, 39),
    changed: code(33, 39),
    failed: code(31, 39),
    skipped: code(36, 39),
    unreachable: code(91, 39),
    warn: code(35, 39),
    header: code(1, 22),
    added: code(32, 39),
    removed: code(31, 39),
    hunk: code(36, 39),
  };
}
