// Arguments of `user`: a local user account.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { accountName, bool, int, str, strOrList } from "../../schema/module-args.js";

/** The argument schema of `user`. */
export const userArgs = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: accountName,
    state: { enum: ["present", "absent"] },
    uid: int,
    group: str,
    groups: strOrList,
    append: bool,
    home: str,
    shell: str,
    system: bool,
    create_home: bool,
    password: str,
    comment: str,
    remove: bool,
  },
} as const;
/** Typed arguments of `user`. */
export type UserArgs = Infer<typeof userArgs>;
/** Registration of `user`. */
export const userModule: ModuleSchemaSpec = { name: "user", schema: userArgs };
