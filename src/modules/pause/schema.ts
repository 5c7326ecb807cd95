// Arguments of `pause`: wait some time, or ask the operator to confirm at a terminal (`expect`: the
// answer that must be typed; the `gocd_bc_confirm` variable answers without a terminal).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, str } from "../../schema/module-args.js";

/** The argument schema of `pause`. */
export const pauseArgs = {
  type: "object",
  additionalProperties: false,
  properties: {
    seconds: { type: ["integer", "string"] },
    minutes: { type: ["integer", "string"] },
    prompt: str,
    /** The exact answer required to continue (e.g. the target host's name before a switchover). */
    expect: str,
    echo: bool,
  },
} as const;
/** Typed arguments of `pause`. */
export type PauseArgs = Infer<typeof pauseArgs>;
/** Registration of `pause`. */
export const pauseModule: ModuleSchemaSpec = { name: "pause", schema: pauseArgs };
