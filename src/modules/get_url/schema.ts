// Arguments of `get_url`: download a URL to a file on the host, with an optional checksum.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, fileAttributes, num, str } from "../../schema/module-args.js";

/** The argument schema of `get_url`. */
export const getUrlArgs = {
  type: "object",
  additionalProperties: false,
  required: ["url", "dest"],
  properties: {
    url: str,
    dest: str,
    checksum: str,
    force: bool,
    timeout: num,
    headers: { type: "object", additionalProperties: { type: "string" } },
    validate_certs: bool,
    ...fileAttributes,
  },
} as const;
/** Typed arguments of `get_url`. */
export type GetUrlArgs = Infer<typeof getUrlArgs>;
/** Registration of `get_url`. */
export const getUrlModule: ModuleSchemaSpec = { name: "get_url", schema: getUrlArgs };
