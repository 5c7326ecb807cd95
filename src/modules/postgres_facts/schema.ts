// Arguments of `postgres_facts`: read-only server facts: recovery state, LSNs, replication lag, version.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { pgConnection, strOrList } from "../../schema/module-args.js";

/** The argument schema of `postgres_facts`. */
export const postgresFactsArgs = {
  type: "object",
  additionalProperties: false,
  properties: {
    filter: strOrList,
    ...pgConnection,
  },
} as const;
/** Typed arguments of `postgres_facts`. */
export type PostgresFactsArgs = Infer<typeof postgresFactsArgs>;
/** Registration of `postgres_facts`. */
export const postgresFactsModule: ModuleSchemaSpec = {
  name: "postgres_facts",
  schema: postgresFactsArgs,
  names: ["postgresql_info"],
};
