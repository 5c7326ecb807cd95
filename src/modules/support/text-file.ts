// What lineinfile and blockinfile share: read the file (or start empty with `create`), apply a pure
// edit to its text, and hand the result to the whole-file write decision.
import { fail, ok, type ModuleContext, type Plan } from "../contract.js";
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
export async function planTextEdit(ctx: ModuleContext, args: TextFileArgs, edit: (text: string) => Edit | { error: string }): Promise<Plan> {
  const current = await readCurrent(ctx, args.path);
  if ("error" in current) return fail(current.error);
  if (!current.stat) {
    if (args.state === "absent") return ok(`${args.path} does not exist`, { path: args.path });
    if (!args.create) return fail(`${args.path} does not exist (set create: true to create it)`);
  }
  const before = current.content ? current.content.toString("utf8") : "";
  const result = edit(before);
  if ("error" in result) return fail(result.error);
  const content = Buffer.from(result.text, "utf8");
  return planFile(ctx, { ...args, dest: args.path, content, upToDate: result.reason, data: { path: args.path } }, current);
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
