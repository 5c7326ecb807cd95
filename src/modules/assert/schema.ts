// Arguments of `assert`: fail the host unless every condition holds (conditions as in `when`).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, str } from "../../schema/module-args.js";

/** The argument schema of `assert`. */
export const assertArgs = {
  type: "object",
  additionalProperties: false,
  required: ["that"],
  properties: {
    that: { type: ["string", "boolean", "array"], items: { type: ["string", "boolean"] } },
    fail_msg: str,
    success_msg: str,
    quiet: bool,
  },
} as const;
/** Typed arguments of `assert`. */
export type AssertArgs = Infer<typeof assertArgs>;
/** Registration of `assert`. */
export const assertModule: ModuleSchemaSpec = {
  name: "assert",
  schema: assertArgs,
  aliases: { msg: "fail_msg" },
};
