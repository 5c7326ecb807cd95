// Arguments of `set_fact`: set host variables for the rest of the run (the set_fact/register precedence).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool } from "../../schema/module-args.js";

/** The argument schema of `set_fact`. */
export const setFactArgs = {
  type: "object",
  additionalProperties: true,
  properties: { cacheable: bool },
} as const;
/** Typed arguments of `set_fact`. */
export type SetFactArgs = Infer<typeof setFactArgs>;
/** Registration of `set_fact`. */
export const setFactModule: ModuleSchemaSpec = { name: "set_fact", schema: setFactArgs };
