// Arguments of `package`: packages through the host's package manager (apt on Debian).
import type { Infer } from "../infer.js";
import type { ModuleSchemaSpec } from "../module-registry.js";
import { str, strOrList } from "./common.js";

/** The argument schema of `package`. */
export const packageArgs = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: strOrList,
    state: { enum: ["present", "absent", "latest"] },
    use: str,
  },
} as const;
/** Typed arguments of `package`. */
export type PackageArgs = Infer<typeof packageArgs>;
/** Registration of `package`. */
export const packageModule: ModuleSchemaSpec = { name: "package", schema: packageArgs };
