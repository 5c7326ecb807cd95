// Arguments of `file`: a file, directory, symlink or absence of one, with its attributes.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, fileAttributes, operand, str } from "../../schema/module-args.js";

/** The argument schema of `file`. */
export const fileArgs = {
  type: "object",
  additionalProperties: false,
  required: ["path"],
  properties: {
    path: operand,
    state: { enum: ["file", "directory", "link", "hard", "touch", "absent"] },
    src: str,
    recurse: bool,
    force: bool,
    follow: bool,
    ...fileAttributes,
  },
} as const;
/** Typed arguments of `file`. */
export type FileArgs = Infer<typeof fileArgs>;
/** Registration of `file`; `dest` and `name` are Ansible's aliases of `path`. */
export const fileModule: ModuleSchemaSpec = {
  name: "file",
  schema: fileArgs,
  aliases: { dest: "path", name: "path" },
};
