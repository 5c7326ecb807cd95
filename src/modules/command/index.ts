// `command`: runs a program without a shell, like Ansible's: the free-form text is split into words
// (quotes honoured, `$VAR`, `|` and `>` passed literally), or `argv` is used as given.
import { parse } from "shell-quote";
import { command as argvCommand } from "../../connection/command.js";
import type { CommandArgs } from "./schema.js";
import { defineModule, fail } from "../contract.js";
import { planExec } from "../support/exec.js";

/** Splits a command line into words as a POSIX shell would, without expanding anything. */
export function splitWords(line: string): string[] {
  return parse(line, (key) => `$${key}`).map((entry) => {
    if (typeof entry === "string") return entry;
    if ("comment" in entry) return `#${entry.comment}`;
    if (entry.op === "glob") return entry.pattern;
    return entry.op;
  });
}

/** The `command` module. */
export default defineModule<CommandArgs>({
  name: "command",
  async plan(ctx, args) {
    const argv = args.argv ?? splitWords(args.cmd ?? "");
    if (argv.length === 0) return fail("no command given (cmd or argv is empty)");
    return planExec(ctx, argvCommand(argv), argv.join(" "), args);
  },
});
