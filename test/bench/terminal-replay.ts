// Replays a provision-like event stream (test/bench/replay-events.ts) into the reporter gocd-bc would pick
// for stdout, paced as a real run, and says on stderr how long it took and how much CPU it used. Run it
// under a pseudo-terminal to measure the terminal view, piped to measure the plain lines:
//
//   script -qfec "node dist/test/bench/terminal-replay.js" /dev/null     # at a terminal
//   node dist/test/bench/terminal-replay.js > /dev/null                  # piped
//   options: --drift (check+diff stream), --fail N (a host fails at task N), --speed F (F times faster),
//            --mode auto|plain|json (default auto, as the CLI), --cols N --rows N (the terminal's size),
//            --stop-after N (leave the view as it is after N events, for a screenshot through vt.js)
import { parseArgs } from "node:util";
import { createReporter, type ReportMode } from "../../src/report/index.js";
import { provisionLike } from "./replay-events.js";

const { values } = parseArgs({
  options: {
    drift: { type: "boolean", default: false },
    fail: { type: "string" },
    speed: { type: "string", default: "1" },
    mode: { type: "string", default: "auto" },
    cols: { type: "string" },
    rows: { type: "string" },
    "stop-after": { type: "string" },
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `script` gives a terminal of the controlling one's size, or 0x0 without one: set a size that reads well. */
function sizeTerminal(): void {
  const out = process.stdout as NodeJS.WriteStream & { columns: number; rows: number };
  if (!out.isTTY) return;
  if (values.cols || !out.columns) out.columns = Number(values.cols ?? 100);
  if (values.rows || !out.rows) out.rows = Number(values.rows ?? 30);
}

async function main(): Promise<void> {
  sizeTerminal();
  const steps = provisionLike({
    drift: values.drift,
    failAt: values.fail === undefined ? undefined : Number(values.fail),
  });
  const speed = Number(values.speed);
  const stopAfter = values["stop-after"] === undefined ? Number.POSITIVE_INFINITY : Number(values["stop-after"]);
  const reporter = createReporter(values.mode as ReportMode, { diff: values.drift === true, verbosity: 0 });
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const [i, step] of steps.entries()) {
    if (i === stopAfter) {
      await sleep(300); // the view's next frames, then leave it on screen as it is
      process.exit(0);
    }
    if (step.delayMs > 0) await sleep(step.delayMs / speed);
    reporter.emit(step.event);
  }
  await reporter.close();
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const results = steps.filter((s) => s.event.type === "host_result").length;
  process.stderr.write(
    `replay: ${steps.length} events (${results} host results), wall ${wall.toFixed(2)} s, ` +
      `cpu ${((used.user + used.system) / 1e6).toFixed(3)} s (user ${(used.user / 1e6).toFixed(3)}, system ${(used.system / 1e6).toFixed(3)}), ` +
      `stdout ${process.stdout.isTTY ? `a terminal ${process.stdout.columns}x${process.stdout.rows}` : "not a terminal"}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
