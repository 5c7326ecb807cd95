// Arguments of `fail`: fail the host with a message.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { str } from "../../schema/module-args.js";

/** The argument schema of `fail`. */
export const failArgs = {
  type: "object",
  additionalProperties: false,
  properties: { msg: str },
} as const;
/** Typed arguments of `fail`. */
export type FailArgs = Infer<typeof failArgs>;
/** Registration of `fail`. */
export const failModule: ModuleSchemaSpec = { name: "fail", schema: failArgs };
