// Arguments of `group`: a local group.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { accountName, bool, int } from "../../schema/module-args.js";

/** The argument schema of `group`. */
export const groupArgs = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: accountName,
    state: { enum: ["present", "absent"] },
    gid: int,
    system: bool,
  },
} as const;
/** Typed arguments of `group`. */
export type GroupArgs = Infer<typeof groupArgs>;
/** Registration of `group`. */
export const groupModule: ModuleSchemaSpec = { name: "group", schema: groupArgs };
