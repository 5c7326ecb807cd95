// Arguments of `stat`: facts about a path (exists, mode, owner, checksum); never changes anything.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, str } from "../../schema/module-args.js";

/** The argument schema of `stat`. */
export const statArgs = {
  type: "object",
  additionalProperties: false,
  required: ["path"],
  properties: {
    path: str,
    follow: bool,
    get_checksum: bool,
    checksum_algorithm: { enum: ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"] },
  },
} as const;
/** Typed arguments of `stat`. */
export type StatArgs = Infer<typeof statArgs>;
/** Registration of `stat`. */
export const statModule: ModuleSchemaSpec = {
  name: "stat",
  schema: statArgs,
  aliases: { dest: "path", name: "path" },
};
