// Arguments of `lineinfile`: one line present (matched by regexp or search string) or absent.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, fileAttributes, str } from "../../schema/module-args.js";

/** The argument schema of `lineinfile`. */
export const lineinfileArgs = {
  type: "object",
  additionalProperties: false,
  required: ["path"],
  properties: {
    path: str,
    line: str,
    regexp: str,
    search_string: str,
    state: { enum: ["present", "absent"] },
    insertafter: str,
    insertbefore: str,
    create: bool,
    backrefs: bool,
    backup: bool,
    firstmatch: bool,
    validate: str,
    ...fileAttributes,
  },
} as const;
/** Typed arguments of `lineinfile`. */
export type LineinfileArgs = Infer<typeof lineinfileArgs>;
/** Registration of `lineinfile`; `dest`, `destfile` and `name` are aliases of `path`. */
export const lineinfileModule: ModuleSchemaSpec = {
  name: "lineinfile",
  schema: lineinfileArgs,
  aliases: { dest: "path", destfile: "path", name: "path" },
};
