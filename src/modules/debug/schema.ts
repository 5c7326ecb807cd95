// Arguments of `debug`: print a message or the value of a variable.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { int, str } from "../../schema/module-args.js";

/** The argument schema of `debug`. */
export const debugArgs = {
  type: "object",
  additionalProperties: false,
  properties: {
    msg: {},
    var: str,
    verbosity: int,
  },
} as const;
/** Typed arguments of `debug`. */
export type DebugArgs = Infer<typeof debugArgs>;
/** Registration of `debug`. */
export const debugModule: ModuleSchemaSpec = { name: "debug", schema: debugArgs };
