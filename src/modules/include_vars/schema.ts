// Arguments of `include_vars`: load variables from a YAML file on the controller (free form: the file). The
// engine runs it itself (src/engine/host-task.ts, includeVars), since it sets the host's variables: no index.ts here.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { str } from "../../schema/module-args.js";

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
  engine: true,
};
