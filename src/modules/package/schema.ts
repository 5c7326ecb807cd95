// Arguments of `package`: packages through the host's package manager (apt on Debian).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { str, strOrList } from "../../schema/module-args.js";

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
