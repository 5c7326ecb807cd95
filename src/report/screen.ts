// The terminal under the live view: a clock that paces redraws (replaceable, so tests count frames without
// waiting), the marks drawn in Unicode or ASCII, and the live region itself: a few lines at the bottom that
// are erased and redrawn in one write, with lines printed above it scrolling away as plain output.
import type { OutStream } from "./colour.js";
import type { Outcome } from "./recap.js";

/** Time and a repeating timer; the live view draws only on the timer's ticks. */
export interface Clock {
  now(): number;
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

/** The real clock; its timer never keeps the process alive on its own. */
export const realClock: Clock = {
  now: () => Date.now(),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** What a line of the live view stands for: still running, or how it ended. */
export type Mark = "running" | Outcome;

/** The characters for each mark and the spinner's frames. */
export interface Glyphs {
  readonly marks: Readonly<Record<Outcome, string>>;
  readonly spinner: readonly string[];
  readonly more: string;
}

const UNICODE: Glyphs = {
  marks: { ok: "✔", changed: "●", skipped: "↓", failed: "✖", unreachable: "✖", ignored: "⚠" },
  spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
  more: "…",
};
const ASCII: Glyphs = {
  marks: { ok: "+", changed: "*", skipped: "-", failed: "x", unreachable: "x", ignored: "!" },
  spinner: ["|", "/", "-", "\\"],
  more: "...",
};

/** Unicode marks where the terminal shows them, ASCII elsewhere. */
export function glyphs(unicode: boolean): Glyphs {
  return unicode ? UNICODE : ASCII;
}

/** `text` on one line (tabs and breaks as spaces) cut to `width` code points, the cut shown by `more`; text
 * from hosts reaches here with its other control characters already escaped. */
export function truncate(raw: string, width: number, more: string): string {
  const text = raw.replace(/[\t\n]/g, " ");
  if (text.length <= width) return text;
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return chars.slice(0, Math.max(0, width - more.length)).join("") + more;
}

/**
 * The bottom lines of the terminal that are redrawn: each frame moves the cursor up over the previous
 * frame's lines, clears to the end of the screen, writes the lines that scroll away (once, in full) and
 * then the new live lines, all in one write. Live lines must fit the width, so the height count holds.
 */
export class LiveRegion {
  private height = 0;
  private last = "";
  /** Frames written, for tests and the bench. */
  frames = 0;

  constructor(private readonly out: OutStream) {}

  /** Starts the next frame below the cursor, leaving what is above it (another writer's lines) alone. */
  forget(): void {
    this.height = 0;
    this.last = "";
  }

  /** Draws a frame; writes nothing when there is nothing to scroll and the live lines are unchanged. */
  draw(scroll: readonly string[], live: readonly string[]): void {
    const body = live.map((l) => `${l}\n`).join("");
    if (scroll.length === 0 && body === this.last) return;
    const up = this.height > 0 ? `\r\u001b[${this.height}A\u001b[J` : "";
    const text = `${up}${scroll.map((l) => `${l}\n`).join("")}${body}`;
    this.height = live.length;
    this.last = body;
    this.frames += 1;
    try {
      this.out.write(text);
    } catch {
      // A closed terminal must not break the run.
    }
  }
}
