// Arguments of `postgres_user`: a database role with password and attributes (community.postgresql.postgresql_user).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { int, pgConnection, pgName, str } from "../../schema/module-args.js";

/** The argument schema of `postgres_user`. */
export const postgresUserArgs = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: pgName,
    password: str,
    role_attr_flags: str,
    state: { enum: ["present", "absent"] },
    conn_limit: int,
    ...pgConnection,
  },
} as const;
/** Typed arguments of `postgres_user`. */
export type PostgresUserArgs = Infer<typeof postgresUserArgs>;
/** Registration of `postgres_user`. */
export const postgresUserModule: ModuleSchemaSpec = {
  name: "postgres_user",
  schema: postgresUserArgs,
  names: ["postgresql_user"],
};
