// Arguments of `service`: a service started, stopped, restarted or reloaded, and enabled at boot.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, str } from "../../schema/module-args.js";

/**
 * A unit or init script name in systemd's characters, not starting with `-`: update-rc.d has no `--`,
 * and the name becomes the path /etc/init.d/NAME, so no `/` either.
 */
export const serviceName = {
  type: "string",
  pattern: "^[A-Za-z0-9_.:@\\\\][A-Za-z0-9_.:@\\\\-]*$",
  description: "a service name (letters, digits and _ . : @ \\ -, not starting with '-')",
} as const;

/** The argument schema of `service`. */
export const serviceArgs = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: serviceName,
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
