// Arguments of `postgres_standby_datadir`: the data directory a standby is to run on, the primary it is to
// follow, and the host the operator asked to clone afresh, so the module can say what to do with the directory.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { str } from "../../schema/module-args.js";

/** The argument schema of `postgres_standby_datadir`. */
export const postgresStandbyDatadirArgs = {
  type: "object",
  additionalProperties: false,
  required: ["path", "bin_dir", "primary_system_identifier"],
  properties: {
    /** The standby's data directory. */
    path: str,
    /** Where pg_controldata is (Debian: /usr/lib/postgresql/<version>/bin). */
    bin_dir: str,
    /** The primary's system identifier (postgres_facts' `system_identifier`), which a standby of it shares. */
    primary_system_identifier: str,
    /** The inventory name of the host whose data directory the operator asked to replace; empty for none. */
    reclone: str,
  },
} as const;
/** Typed arguments of `postgres_standby_datadir`. */
export type PostgresStandbyDatadirArgs = Infer<typeof postgresStandbyDatadirArgs>;
/** Registration of `postgres_standby_datadir`. */
export const postgresStandbyDatadirModule: ModuleSchemaSpec = {
  name: "postgres_standby_datadir",
  schema: postgresStandbyDatadirArgs,
};
