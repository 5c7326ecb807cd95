// Arguments of `shell`: run a command line through /bin/sh (free form: `shell: a | b`).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, str } from "../../schema/module-args.js";

/** The argument schema of `shell`. */
export const shellArgs = {
  type: "object",
  additionalProperties: false,
  required: ["cmd"],
  properties: {
    cmd: str,
    chdir: str,
    creates: str,
    removes: str,
    executable: str,
    stdin: str,
    stdin_add_newline: bool,
  },
} as const;
/** Typed arguments of `shell`. */
export type ShellArgs = Infer<typeof shellArgs>;
/** Registration of `shell`. */
export const shellModule: ModuleSchemaSpec = { name: "shell", schema: shellArgs, freeForm: "cmd" };
