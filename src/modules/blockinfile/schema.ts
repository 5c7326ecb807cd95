// Arguments of `blockinfile`: a block of lines between marker lines, present or absent.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, fileAttributes, str } from "../../schema/module-args.js";

/** The argument schema of `blockinfile`. */
export const blockinfileArgs = {
  type: "object",
  additionalProperties: false,
  required: ["path"],
  properties: {
    path: str,
    block: str,
    marker: str,
    marker_begin: str,
    marker_end: str,
    state: { enum: ["present", "absent"] },
    insertafter: str,
    insertbefore: str,
    create: bool,
    backup: bool,
    validate: str,
    ...fileAttributes,
  },
} as const;
/** Typed arguments of `blockinfile`. */
export type BlockinfileArgs = Infer<typeof blockinfileArgs>;
/** Registration of `blockinfile`; `content` is an alias of `block`, `dest` of `path`. */
export const blockinfileModule: ModuleSchemaSpec = {
  name: "blockinfile",
  schema: blockinfileArgs,
  aliases: { content: "block", dest: "path", destfile: "path", name: "path" },
};
