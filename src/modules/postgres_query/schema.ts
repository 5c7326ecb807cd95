// Arguments of `postgres_query`: run SQL on a database (community.postgresql.postgresql_query).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { anyMap, bool, pgConnection, str } from "../../schema/module-args.js";

/** The argument schema of `postgres_query`. */
export const postgresQueryArgs = {
  type: "object",
  additionalProperties: false,
  required: ["query"],
  properties: {
    query: str,
    positional_args: { type: "array" },
    named_args: anyMap,
    autocommit: bool,
    as_single_query: bool,
    ...pgConnection,
  },
} as const;
/** Typed arguments of `postgres_query`. */
export type PostgresQueryArgs = Infer<typeof postgresQueryArgs>;
/** Registration of `postgres_query`. */
export const postgresQueryModule: ModuleSchemaSpec = {
  name: "postgres_query",
  schema: postgresQueryArgs,
  names: ["postgresql_query"],
};
