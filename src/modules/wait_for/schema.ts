// Arguments of `wait_for`: wait for a port to open or close, a file to appear, a pattern in it, or an
// HTTP URL to answer with a status (gocd-bc's addition, for health checks such as GoCD's /go/api/v1/health).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { int, num, str } from "../../schema/module-args.js";

/** The argument schema of `wait_for`. */
export const waitForArgs = {
  type: "object",
  additionalProperties: false,
  properties: {
    host: str,
    port: int,
    path: str,
    state: { enum: ["started", "stopped", "present", "absent", "drained"] },
    search_regex: str,
    /** An http(s) URL fetched from the target host (curl, else node, else python3). */
    url: str,
    /** The HTTP status `url` must answer with (default 200). */
    status_code: { type: ["integer", "array"], items: { type: "integer" } },
    delay: num,
    timeout: num,
    sleep: num,
    connect_timeout: num,
    msg: str,
  },
} as const;
/** Typed arguments of `wait_for`. */
export type WaitForArgs = Infer<typeof waitForArgs>;
/** Registration of `wait_for`. */
export const waitForModule: ModuleSchemaSpec = { name: "wait_for", schema: waitForArgs };
