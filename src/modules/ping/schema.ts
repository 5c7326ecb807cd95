// Arguments of `ping`: check that the host answers and can run commands.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { str } from "../../schema/module-args.js";

/** The argument schema of `ping`. */
export const pingArgs = {
  type: "object",
  additionalProperties: false,
  properties: { data: str },
} as const;
/** Typed arguments of `ping`. */
export type PingArgs = Infer<typeof pingArgs>;
/** Registration of `ping`. */
export const pingModule: ModuleSchemaSpec = { name: "ping", schema: pingArgs };
