// Arguments of `include_vars`: load variables from a YAML file on the controller (free form: the file).
import type { Infer } from "../infer.js";
import type { ModuleSchemaSpec } from "../module-registry.js";
import { str } from "./common.js";

/** The argument schema of `include_vars`. */
export const includeVarsArgs = {
  type: "object",
  additionalProperties: false,
  required: ["file"],
  properties: { file: str, name: str },
} as const;
/** Typed arguments of `include_vars`. */
export type IncludeVarsArgs = Infer<typeof includeVarsArgs>;
/** Registration of `include_vars`. */
export const includeVarsModule: ModuleSchemaSpec = {
  name: "include_vars",
  schema: includeVarsArgs,
  freeForm: "file",
};
