// Arguments of `copy`: a file from the controller (`src`) or inline `content`, written atomically.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, fileAttributes, str } from "../../schema/module-args.js";

/** The argument schema of `copy`; one of `src` or `content` is required. */
export const copyArgs = {
  type: "object",
  additionalProperties: false,
  required: ["dest"],
  anyOf: [{ required: ["src"] }, { required: ["content"] }],
  properties: {
    src: str,
    content: str,
    dest: str,
    backup: bool,
    force: bool,
    remote_src: bool,
    validate: str,
    directory_mode: { type: ["string", "integer"] },
    ...fileAttributes,
  },
} as const;
/** Typed arguments of `copy`. */
export type CopyArgs = Infer<typeof copyArgs>;
/** Registration of `copy`. */
export const copyModule: ModuleSchemaSpec = { name: "copy", schema: copyArgs };
