// What lineinfile and blockinfile share: read the file (or start empty with `create`), apply a pure
// edit to its text, and hand the result to the whole-file write decision. A file that is not UTF-8 is
// edited byte-wise, as Ansible does: one character per byte (latin1) for the file and the arguments'
// UTF-8 bytes, so every line the edit does not touch keeps its bytes instead of becoming U+FFFD.
import { isUtf8 } from "node:buffer";
import { fail, ok, type ModuleContext, type Decision } from "../contract.js";
import type { AttrArgs } from "./attrs.js";
import { planFile, readCurrent } from "./write-file.js";

/** The outcome of a pure text edit: the new text, and why it is unchanged when it is. */
export interface Edit {
  readonly text: string;
  readonly reason: string;
}

/** The common arguments of text-editing modules. */
export interface TextFileArgs extends AttrArgs {
  readonly path: string;
  readonly create?: boolean;
  readonly backup?: boolean;
  readonly validate?: string;
  readonly state?: "present" | "absent";
}

/** Plans an edit of the file at args.path; an absent file is an error unless `create` (or state absent). */
export async function planTextEdit<A extends TextFileArgs>(
  ctx: ModuleContext,
  args: A,
  edit: (text: string, args: A) => Edit | { error: string },
): Promise<Decision> {
  const current = await readCurrent(ctx, args.path);
  if ("error" in current) return fail(current.error);
  if (!current.stat) {
    if (args.state === "absent") return ok(`${args.path} does not exist`, { path: args.path });
    if (!args.create) return fail(`${args.path} does not exist (set create: true to create it)`);
  }
  const bytes = current.content ?? Buffer.alloc(0);
  const encoding = isUtf8(bytes) ? "utf8" : "latin1";
  const result = edit(bytes.toString(encoding), encoding === "utf8" ? args : asBytes(args));
  if ("error" in result) return fail(result.error);
  const content = Buffer.from(result.text, encoding);
  return planFile({ ...args, dest: args.path, content, upToDate: result.reason, data: { path: args.path } }, current);
}

/** The arguments with every string turned into its UTF-8 bytes, one character per byte (see above). */
function asBytes<A extends object>(args: A): A {
  const entries = Object.entries(args).map(([k, v]) => [
    k,
    typeof v === "string" ? Buffer.from(v, "utf8").toString("latin1") : v,
  ]);
  return Object.fromEntries(entries) as A;
}

/** A file's text as lines without their newlines, and whether the last line had one. */
export function toLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Lines back to text, every line newline-terminated (as Ansible writes them). */
export function fromLines(lines: readonly string[]): string {
  return lines.length ? `${lines.join("\n")}\n` : "";
}
