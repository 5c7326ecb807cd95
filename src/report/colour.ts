// What the terminal may be given: a live view only where a person watches (a TTY outside CI, not
// TERM=dumb), colour only there with NO_COLOR unset (https://no-color.org), Unicode marks only with a UTF-8
// locale. Plain ANSI codes, so no dependency and no surprise on Node versions.

/** A stream reporters write to; `isTTY` decides colour and the renderer, `columns`/`rows` the live view's size. */
export type OutStream = NodeJS.WritableStream & {
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
};

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

const code =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;

/** True when a person watches `out` live: a TTY outside CI (CI runners often fake a TTY), not `TERM=dumb`. */
export function isInteractive(out: OutStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  return out.isTTY === true && !ci && env.TERM !== "dumb";
}

/** True when `out` is a terminal that is not `TERM=dumb` and the user has not asked for no colour. */
export function wantsColour(out: OutStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return out.isTTY === true && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb";
}

/** True when the locale says UTF-8 (the first of LC_ALL, LC_CTYPE, LANG that is set) and the terminal is not
 * the Linux console, whose font lacks the marks and spinner the live view would draw. */
export function wantsUnicode(env: NodeJS.ProcessEnv = process.env): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || "";
  return /utf-?8/i.test(locale) && env.TERM !== "linux" && env.TERM !== "dumb";
}

/** The palette: Ansible's colours (green ok, yellow changed, red failed, cyan skipped) or none at all. */
export function palette(colour: boolean): Palette {
  const plain: Paint = (text) => text;
  if (!colour) {
    return {
      ok: plain,
      changed: plain,
      failed: plain,
      skipped: plain,
      unreachable: plain,
      warn: plain,
      header: plain,
      added: plain,
      removed: plain,
      hunk: plain,
    };
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
