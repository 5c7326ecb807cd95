// The live view of anything that runs as a sequence of items, each with rows: a playbook's tasks with
// their hosts, or a command's named steps. Only the running item is drawn live (its title with a spinner
// and elapsed time, its rows with their marks), in a region of bounded height; a finished item is
// printed once as one line with its duration, with whatever must stay visible (errors, diffs) under it,
// and scrolls away as plain output. Nothing is drawn on events: a timer draws at most one frame a tick.
import type { Palette, Paint } from "./colour.js";
import type { Outcome } from "./recap.js";
import { formatDuration } from "./recap.js";
import { glyphs, LiveRegion, realClock, truncate, type Clock, type Glyphs, type Mark } from "./screen.js";
import type { OutStream } from "./colour.js";

/** One row under the running item: a host and its result so far, or a sub-step. */
export interface LiveRow {
  readonly mark: Mark;
  readonly text: string;
}

/** The running item as the view asks for it at each frame (so an item is a live object, not a copy). */
export interface LiveItem {
  /** The title, which may carry counts that change while it runs. */
  title(): string;
  /** Its rows, most important first: the view shows as many as fit. */
  rows(): readonly LiveRow[];
}

/** How the view looks and how often it may draw. */
export interface LiveOptions {
  readonly palette: Palette;
  readonly unicode: boolean;
  readonly clock?: Clock;
  /** The shortest time between two frames (100 ms: ten frames a second at most). */
  readonly intervalMs?: number;
  /** The most rows shown under the running item, whatever the terminal's height. */
  readonly maxRows?: number;
  /** False where nothing can be redrawn (a pipe, TERM=dumb): lines are written at once, nothing runs live. */
  readonly live?: boolean;
}

/** A bounded, throttled live region over lines that scroll away; see the file's head. */
export class LiveView {
  private readonly region: LiveRegion;
  private readonly glyphs: Glyphs;
  private readonly clock: Clock;
  private pending: string[] = [];
  private item: LiveItem | undefined;
  private startedAt = 0;
  private spin = 0;
  private stop: (() => void) | undefined;
  private held = false;

  constructor(
    private readonly out: OutStream,
    private readonly opts: LiveOptions,
  ) {
    this.region = new LiveRegion(out);
    this.glyphs = glyphs(opts.unicode);
    this.clock = opts.clock ?? realClock;
  }

  /** Frames drawn so far. */
  get frames(): number {
    return this.region.frames;
  }

  /** Lines to print above the live region, in full, at the next frame. */
  print(lines: readonly string[]): void {
    this.pending.push(...lines);
    if (this.opts.live === false) this.region.draw(this.pending.splice(0), []);
    else this.wake();
  }

  /** Makes `item` the running one, timed from now. */
  start(item: LiveItem): void {
    this.item = item;
    this.startedAt = this.clock.now();
    this.wake();
  }

  /** The running item changed (a result came in): it is redrawn at the next tick, not now. */
  touch(): void {
    this.wake();
  }

  /** Ends the running item: its one line (mark, title, duration) and `below` are printed; returns its ms. */
  finish(mark: Outcome, below: readonly string[] = []): number {
    const item = this.item;
    if (!item) return 0;
    const ms = this.clock.now() - this.startedAt;
    this.item = undefined;
    this.print([`${this.paint(mark)(this.glyphs.marks[mark])} ${item.title()} (${formatDuration(ms)})`, ...below]);
    return ms;
  }

  /** Draws what is pending and erases the live region; the view is idle until the next print or start. */
  close(): void {
    this.halt();
    this.region.draw(this.pending.splice(0), []);
  }

  /** Erases the live region and draws nothing more (lines to print wait) until `resume`. */
  suspend(): void {
    this.region.draw(this.held ? [] : this.pending.splice(0), []);
    this.held = true;
  }

  /** Draws again from the next tick, below whatever was written while suspended. */
  resume(): void {
    this.held = false;
    this.region.forget();
    this.wake();
  }

  private wake(): void {
    if (this.opts.live === false) return;
    this.stop ??= this.clock.every(this.opts.intervalMs ?? 100, () => this.tick());
  }

  private tick(): void {
    if (this.held) return;
    this.spin += 1;
    this.region.draw(this.pending.splice(0), this.liveLines());
    if (!this.item) this.halt();
  }

  /** Stops the timer: nothing runs live, so nothing needs drawing until the next print or start. */
  private halt(): void {
    this.stop?.();
    this.stop = undefined;
  }

  /** The running item's lines, cut to the terminal's width and to a height that fits it (a size of 0, as a
   * pseudo-terminal nobody sized reports, counts as unknown: 80x24). */
  private liveLines(): string[] {
    const item = this.item;
    if (!item) return [];
    const width = Math.max(20, (this.out.columns || 80) - 1);
    const elapsed = formatDuration(this.clock.now() - this.startedAt);
    const spinner = this.glyphs.spinner[this.spin % this.glyphs.spinner.length] as string;
    const lines = [
      `${this.opts.palette.header(spinner)} ${truncate(`${item.title()}  ${elapsed}`, width - 2, this.glyphs.more)}`,
    ];
    const rows = item.rows();
    const room = Math.max(1, Math.min(this.opts.maxRows ?? 8, (this.out.rows || 24) - 3));
    const shown = rows.length > room ? rows.slice(0, room - 1) : rows;
    for (const row of shown)
      lines.push(`    ${this.rowMark(row.mark, spinner)} ${truncate(row.text, width - 6, this.glyphs.more)}`);
    const hidden = rows.slice(shown.length);
    if (hidden.length > 0)
      lines.push(
        `    ${this.glyphs.more} ${hidden.length} more (${hidden.filter((r) => r.mark !== "running").length} done)`,
      );
    return lines;
  }

  private rowMark(mark: Mark, spinner: string): string {
    return mark === "running" ? spinner : this.paint(mark)(this.glyphs.marks[mark]);
  }

  private paint(mark: Outcome): Paint {
    const p = this.opts.palette;
    const paints: Readonly<Record<Outcome, Paint>> = {
      ok: p.ok,
      changed: p.changed,
      skipped: p.skipped,
      failed: p.failed,
      unreachable: p.unreachable,
      ignored: p.warn,
    };
    return paints[mark];
  }
}
