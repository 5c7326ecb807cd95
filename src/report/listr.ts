// listr2, for the steps view only (the one file that imports it): each named step is one listr2 task in a
// list of its own, drawn by listr2's default renderer to the view's stream. A step's list is a handful of
// lines, so listr2's full redraw on each change and its spinner's ten frames a second cost nothing; the
// playbook task view, with ~100 tasks, is gocd-bc's own (live.ts). What gocd-bc decides itself, not listr2:
// that the stream is a terminal (colour.ts), the marks and spinner (screen.ts), the colours (Palette).
import {
  createWritable,
  DefaultRenderer,
  Listr,
  ListrDefaultRendererLogLevels as Level,
  ListrLogger,
  ProcessOutput,
  Spinner,
  type LoggerFormat,
} from "listr2";
import type { OutStream, Paint, Palette } from "./colour.js";
import type { Glyphs } from "./screen.js";

/** What a step's body may do to its task while it runs: retitle it, set the text under it, skip it. */
export interface ListedTask {
  title(text: string): void;
  output(text: string): void;
  skip(message?: string): void;
}

/** How the steps' lists look: the marks and spinner, and the colour of each. */
export interface ListedLook {
  readonly glyphs: Glyphs;
  readonly palette: Palette;
}

/** The default renderer, told that the stream is a terminal: the caller checked `out`, not process.stdout. */
class StepRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

/** listr2's spinner with the view's frames (Unicode or ASCII, as the locale allows). */
class StepSpinner extends Spinner {
  constructor(protected override readonly spinner: string[]) {
    super();
  }
}

/** Runs `body` as one listr2 task titled `title`, drawn to `out`; a throw from `body` fails the task and is
 * rethrown. stderr is not taken over (a prompt or warning on it shows at once). */
export async function runListed(
  out: OutStream,
  look: ListedLook,
  title: string,
  body: (task: ListedTask) => Promise<void>,
): Promise<void> {
  const list = new Listr(
    [{ title, task: (_ctx, task) => body(wrap(task)), rendererOptions: { persistentOutput: true, outputBar: true } }],
    {
      renderer: StepRenderer,
      rendererOptions: rendererOptions(out, look),
      exitOnError: true,
      registerSignalListeners: false,
    },
  );
  await list.run();
}

/** The parts of listr2's task wrapper a step uses. */
interface TaskHandle {
  title: string | undefined;
  output: string | undefined;
  skip(message?: string): void;
}

function wrap(task: TaskHandle): ListedTask {
  return {
    title: (text) => (task.title = text),
    output: (text) => (task.output = text),
    skip: (message) => task.skip(message),
  };
}

/** One list, one task: no subtasks to show, errors and skip messages under the title, lines cut to the width. */
function rendererOptions(out: OutStream, look: ListedLook) {
  const processOutput = new ProcessOutput(
    out as NodeJS.WriteStream,
    createWritable(() => undefined) as NodeJS.WriteStream,
    { leaveEmptyLine: false },
  );
  return {
    logger: new ListrLogger<Level>({ useIcons: true, toStderr: [], processOutput }),
    spinner: new StepSpinner([...look.glyphs.spinner]),
    icon: icons(look.glyphs),
    color: colours(look.palette),
    collapseSubtasks: true,
    collapseErrors: false,
    collapseSkips: false,
    formatOutput: "truncate" as const,
  };
}

/** The view's marks for the levels a step reaches; text under a title gets none, only its indent. */
function icons(g: Glyphs): Record<Level, string> {
  const m = g.marks;
  return {
    ...everyLevel(m.ignored),
    [Level.WAITING]: g.spinner[0] as string,
    [Level.PENDING]: g.spinner[0] as string,
    [Level.COMPLETED]: m.ok,
    [Level.FAILED]: m.failed,
    [Level.SKIPPED_WITHOUT_COLLAPSE]: m.skipped,
    // Not collapsed, a skip message is text under the title, as a detail or an error is.
    [Level.SKIPPED_WITH_COLLAPSE]: "",
    [Level.OUTPUT]: "",
    [Level.OUTPUT_WITH_BOTTOMBAR]: "",
  };
}

/** The palette's colours for those levels (none when colour is off). */
function colours(p: Palette): Record<Level, LoggerFormat> {
  const as =
    (paint: Paint): LoggerFormat =>
    (text) =>
      paint(text ?? "");
  return {
    ...everyLevel(as(p.warn)),
    [Level.WAITING]: as(p.header),
    [Level.PENDING]: as(p.header),
    [Level.COMPLETED]: as(p.ok),
    [Level.FAILED]: as(p.failed),
    [Level.SKIPPED_WITH_COLLAPSE]: as(p.skipped),
    [Level.SKIPPED_WITHOUT_COLLAPSE]: as(p.skipped),
  };
}

function everyLevel<T>(value: T): Record<Level, T> {
  return Object.fromEntries(Object.values(Level).map((level) => [level, value])) as Record<Level, T>;
}
