// Arguments of `sysctl`: a kernel parameter set now and in a sysctl file.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, str } from "../../schema/module-args.js";

/**
 * A sysctl key, dotted or as a /proc/sys path: letters, digits, `_`, `-`, `.` and `/`, no `..`. Nothing
 * else may pass: sysctl(8) takes `name=value` as a write, and the name becomes a path under /proc/sys.
 */
export const sysctlKey = {
  type: "string",
  pattern: "^(?!.*\\.\\.)[A-Za-z0-9_][A-Za-z0-9_./-]*$",
  description: "a sysctl key (letters, digits, _, -, . and /, no '..')",
} as const;

/** The argument schema of `sysctl`. */
export const sysctlArgs = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: sysctlKey,
    value: { type: ["string", "integer", "number", "boolean"] },
    state: { enum: ["present", "absent"] },
    reload: bool,
    sysctl_file: str,
    sysctl_set: bool,
    ignoreerrors: bool,
  },
} as const;
/** Typed arguments of `sysctl`. */
export type SysctlArgs = Infer<typeof sysctlArgs>;
/** Registration of `sysctl`. */
export const sysctlModule: ModuleSchemaSpec = {
  name: "sysctl",
  schema: sysctlArgs,
  aliases: { key: "name", val: "value" },
};
