// Arguments of `fail`: fail the host with a message.
import type { Infer } from "../infer.js";
import type { ModuleSchemaSpec } from "../module-registry.js";
import { str } from "./common.js";

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
