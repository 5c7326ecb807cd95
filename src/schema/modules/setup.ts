// Arguments of `setup`: gather facts now (also done at play start unless gather_facts is false).
import type { Infer } from "../infer.js";
import type { ModuleSchemaSpec } from "../module-registry.js";
import { strOrList } from "./common.js";

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
