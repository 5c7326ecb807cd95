// Arguments of `mount`: a filesystem mounted (and in fstab), unmounted or absent.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, str } from "../../schema/module-args.js";

/** The argument schema of `mount`. */
export const mountArgs = {
  type: "object",
  additionalProperties: false,
  required: ["path"],
  properties: {
    path: str,
    src: str,
    fstype: str,
    opts: str,
    state: { enum: ["mounted", "unmounted", "present", "absent", "remounted"] },
    dump: { type: ["string", "integer"] },
    passno: { type: ["string", "integer"] },
    boot: bool,
    backup: bool,
    fstab: str,
  },
} as const;
/** Typed arguments of `mount`. */
export type MountArgs = Infer<typeof mountArgs>;
/** Registration of `mount`. */
export const mountModule: ModuleSchemaSpec = { name: "mount", schema: mountArgs, aliases: { name: "path" } };
