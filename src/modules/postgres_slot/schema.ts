// Arguments of `postgres_slot`: a replication slot (community.postgresql.postgresql_slot).
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, pgConnection, pgSlotName, pgName } from "../../schema/module-args.js";

/** The argument schema of `postgres_slot`. */
export const postgresSlotArgs = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: pgSlotName,
    slot_type: { enum: ["physical", "logical"] },
    state: { enum: ["present", "absent"] },
    immediately_reserve: bool,
    output_plugin: pgName,
    ...pgConnection,
  },
} as const;
/** Typed arguments of `postgres_slot`. */
export type PostgresSlotArgs = Infer<typeof postgresSlotArgs>;
/** Registration of `postgres_slot`. */
export const postgresSlotModule: ModuleSchemaSpec = {
  name: "postgres_slot",
  schema: postgresSlotArgs,
  aliases: { slot_name: "name" },
  names: ["postgresql_slot"],
};
