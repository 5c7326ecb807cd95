// Arguments of `setup`: gather facts now (also done at play start unless gather_facts is false).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { strOrList } from "../../schema/module-args.js";

/** The argument schema of `setup`. */
export const setupArgs = {
  type: "object",
  additionalProperties: false,
  properties: { gather_subset: strOrList, filter: strOrList },
} as const;
/** Typed arguments of `setup`. */
export type SetupArgs = Infer<typeof setupArgs>;
/** Registration of `setup`. */
export const setupModule: ModuleSchemaSpec = { name: "setup", schema: setupArgs };
