// Arguments of `meta`: runner actions: flush_handlers, end_play, end_host, noop (free form). The engine runs
// it itself (src/engine/task.ts, runMeta), since each action changes the run, not a host: no index.ts here.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";

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
export const metaModule: ModuleSchemaSpec = { name: "meta", schema: metaArgs, freeForm: "free_form", engine: true };
