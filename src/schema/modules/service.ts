// Arguments of `service`: a service started, stopped, restarted or reloaded, and enabled at boot.
import type { Infer } from "../infer.js";
import type { ModuleSchemaSpec } from "../module-registry.js";
import { bool, str } from "./common.js";

/** The argument schema of `service`. */
export const serviceArgs = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: str,
    state: { enum: ["started", "stopped", "restarted", "reloaded"] },
    enabled: bool,
    daemon_reload: bool,
    pattern: str,
  },
} as const;
/** Typed arguments of `service`. */
export type ServiceArgs = Infer<typeof serviceArgs>;
/** Registration of `service`. */
export const serviceModule: ModuleSchemaSpec = {
  name: "service",
  schema: serviceArgs,
  names: ["systemd", "systemd_service"],
};
