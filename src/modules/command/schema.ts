// Arguments of `command`: run a program without a shell (free form: `command: ls -l /tmp`).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, str } from "../../schema/module-args.js";

/** The argument schema of `command`; either `cmd` or `argv` is required. */
export const commandArgs = {
  type: "object",
  additionalProperties: false,
  anyOf: [{ required: ["cmd"] }, { required: ["argv"] }],
  properties: {
    cmd: str,
    argv: { type: "array", items: { type: "string" } },
    chdir: str,
    creates: str,
    removes: str,
    stdin: str,
    stdin_add_newline: bool,
    strip_empty_ends: bool,
  },
} as const;
/** Typed arguments of `command`. */
export type CommandArgs = Infer<typeof commandArgs>;
/** Registration of `command`. */
export const commandModule: ModuleSchemaSpec = { name: "command", schema: commandArgs, freeForm: "cmd" };
