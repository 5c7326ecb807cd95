// Test helpers: a host kept in memory (files in a map, commands answered by a function) and a run of a
// playbook tree against it through the real executor, capturing what the plain and JSON reporters print.
import path from "node:path";
import { PassThrough, type Duplex } from "node:stream";
import type { Command } from "../../src/connection/command.js";
import type { Connection, RemoteStat, RunOptions, RunResult } from "../../src/connection/types.js";
import { runPlan } from "../../src/engine/run.js";
import { loadPlan } from "../../src/playbook/load.js";
import type { Reporter, RunEvent } from "../../src/report/events.js";
import { JsonReporter } from "../../src/report/json.js";
import { PlainReporter } from "../../src/report/plain.js";
import { ONE_HOST, tree } from "./loader-helpers.js";

/** Answers one command: its shell text and stdin; undefined means exit 0 with no output. */
export type CommandAnswer = (
  shell: string,
  stdin: string,
) => Partial<{ exitCode: number; stdout: string; stderr: string }> | undefined;

/** A host whose files live in `files` (path -> content) and whose commands `answer` replies to. */
export class FakeHost implements Connection {
  readonly user = "root";
  readonly files: Map<string, string>;
  constructor(
    readonly host: string,
    files: Record<string, string> = {},
    private readonly answer: CommandAnswer = () => undefined,
  ) {
    this.files = new Map(Object.entries(files));
  }
  run = async (command: Command, opts?: RunOptions): Promise<RunResult> => {
    const stdin = opts?.stdin === undefined ? "" : String(opts.stdin);
    const a = this.answer(command.toShell(), stdin) ?? {};
    return { kind: "exited", exitCode: a.exitCode ?? 0, stdout: a.stdout ?? "", stderr: a.stderr ?? "" };
  };
  put = async (remotePath: string, content: Buffer | string): Promise<void> => {
    this.files.set(remotePath, content.toString());
  };
  get = async (remotePath: string): Promise<Buffer | null> => {
    const text = this.files.get(remotePath);
    return text === undefined ? null : Buffer.from(text);
  };
  stat = async (remotePath: string): Promise<RemoteStat | null> => {
    const file = this.files.get(remotePath);
    const base = { mode: 0o644, uid: 0, gid: 0, owner: "root", group: "root", mtime: 0 };
    if (file !== undefined) return { ...base, type: "file", size: file.length };
    const isDir = [...this.files.keys()].some((f) => path.posix.dirname(f).startsWith(remotePath));
    return isDir ? { ...base, type: "directory", mode: 0o755, size: 4096 } : null;
  };
  forwardOut = async (): Promise<Duplex> => new PassThrough();
  forwardOutUnix = async (): Promise<Duplex> => new PassThrough();
  isAlive = (): boolean => true;
  close = async (): Promise<void> => undefined;
}

/** Collects what a reporter writes. */
class Sink extends PassThrough {
  text = "";
  override write(chunk: unknown, ...rest: unknown[]): boolean {
    this.text += String(chunk);
    const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    done?.();
    return true;
  }
}

/** Sends every event to several reporters. */
class Tee implements Reporter {
  constructor(
    private readonly reporters: readonly Reporter[],
    readonly events: RunEvent[] = [],
  ) {}
  emit(event: RunEvent): void {
    this.events.push(event);
    for (const r of this.reporters) r.emit(event);
  }
  async close(): Promise<void> {
    await Promise.all(this.reporters.map((r) => r.close()));
  }
}

/** What a run printed: plain lines (with -D and -vv) and JSON lines (with diffs), and its events. */
export interface Printed {
  readonly plain: string;
  readonly json: string;
  readonly events: RunEvent[];
  readonly exitCode: number;
}

/** Runs `site.yml` of a tree written from `files` on `host` (inventory host h1), with --diff. */
export async function runOnFakeHost(
  files: Record<string, string>,
  host: FakeHost,
  opts: { check?: boolean; extraVars?: string[] } = {},
): Promise<Printed> {
  const root = tree({ "hosts.yml": ONE_HOST, ...files });
  const loaded = loadPlan({
    playbook: path.join(root, "site.yml"),
    inventories: [path.join(root, "hosts.yml")],
    extraVars: opts.extraVars,
  });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join("\n"));
  const plain = new Sink();
  const json = new Sink();
  const reporterOpts = { diff: true, verbosity: 2 };
  const tee = new Tee([new PlainReporter(reporterOpts, plain), new JsonReporter(reporterOpts, json)]);
  const outcome = await runPlan(
    loaded.plan,
    { check: opts.check ?? false, diff: true, reporter: tee },
    async () => host,
  );
  await tee.close();
  return { plain: plain.text, json: json.text, events: tee.events, exitCode: outcome.exitCode };
}
