// Arguments of `uri`: an HTTP request from the host (health checks), with the expected status codes.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, num, str } from "../../schema/module-args.js";

/** The argument schema of `uri`. */
export const uriArgs = {
  type: "object",
  additionalProperties: false,
  required: ["url"],
  properties: {
    url: str,
    method: { enum: ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"] },
    status_code: { type: ["integer", "array"], items: { type: "integer" } },
    body: { type: ["string", "object", "array"] },
    body_format: { enum: ["raw", "json"] },
    headers: { type: "object", additionalProperties: { type: "string" } },
    return_content: bool,
    timeout: num,
    validate_certs: bool,
  },
} as const;
/** Typed arguments of `uri`. */
export type UriArgs = Infer<typeof uriArgs>;
/** Registration of `uri`. */
export const uriModule: ModuleSchemaSpec = { name: "uri", schema: uriArgs };
