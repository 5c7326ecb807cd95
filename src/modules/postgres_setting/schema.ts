// Arguments of `postgres_setting`: a server setting through ALTER SYSTEM (community.postgresql.postgresql_set).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, pgConnection, pgSettingName } from "../../schema/module-args.js";

/** The argument schema of `postgres_setting`. */
export const postgresSettingArgs = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: pgSettingName,
    value: { type: ["string", "integer", "number", "boolean"] },
    reset: bool,
    ...pgConnection,
  },
} as const;
/** Typed arguments of `postgres_setting`. */
export type PostgresSettingArgs = Infer<typeof postgresSettingArgs>;
/** Registration of `postgres_setting`. */
export const postgresSettingModule: ModuleSchemaSpec = {
  name: "postgres_setting",
  schema: postgresSettingArgs,
  names: ["postgresql_set"],
};
