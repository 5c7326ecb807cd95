// Arguments of `meta`: runner actions: flush_handlers, end_play, end_host, noop (free form).
import type { Infer } from "../infer.js";
import type { ModuleSchemaSpec } from "../module-registry.js";

/** The argument schema of `meta`. */
export const metaArgs = {
  type: "object",
  additionalProperties: false,
  required: ["free_form"],
  properties: {
    free_form: {
      enum: ["flush_handlers", "end_play", "end_host", "noop", "clear_host_errors", "reset_connection"],
    },
  },
} as const;
/** Typed arguments of `meta`. */
export type MetaArgs = Infer<typeof metaArgs>;
/** Registration of `meta`. */
export const metaModule: ModuleSchemaSpec = { name: "meta", schema: metaArgs, freeForm: "free_form" };
