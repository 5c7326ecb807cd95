// `postgres_slot`: a replication slot present or absent. A physical slot is created with
// pg_create_physical_replication_slot(name, immediately_reserve) (reserve default false, as Ansible);
// a logical one with pg_create_logical_replication_slot(name, output_plugin). An existing slot is left
// as it is (its type is reported); dropping an active slot fails with the server's words.
import type { PostgresSlotArgs } from "./schema.js";
import { defineModule, change, fail, ok, type Decision } from "../contract.js";

const SLOT_QUERY =
  "SELECT slot_name, slot_type, active, restart_lsn::text AS restart_lsn FROM pg_replication_slots WHERE slot_name = $1";

/** The `postgres_slot` module. */
export default defineModule<PostgresSlotArgs>({
  name: "postgres_slot",
  async plan(ctx, args): Promise<Decision> {
    const type = args.slot_type ?? "physical";
    if (type === "logical" && !args.output_plugin)
      return fail("postgres_slot: `output_plugin` is required for a logical slot");
    const slot = await ctx.sql(args, async (s) => (await s.read(SLOT_QUERY, [args.name])).rows[0]);
    const data = { name: args.name, slot_type: type };
    const describe = (r: Record<string, unknown> | undefined) =>
      r ? `slot ${args.name}: ${String(r.slot_type)}, restart_lsn ${String(r.restart_lsn ?? "none")}\n` : "";
    if (args.state === "absent") {
      if (!slot) return ok(`replication slot ${args.name} does not exist`, data);
      return change(
        `drop replication slot ${args.name}`,
        async (host) => {
          await host.sql(args, (s) => s.query("SELECT pg_drop_replication_slot($1)", [args.name]));
        },
        [{ path: `slot ${args.name}`, before: describe(slot), after: "" }],
        data,
      );
    }
    if (slot)
      return ok(`replication slot ${args.name} exists (${String(slot.slot_type)}${slot.active ? ", active" : ""})`, {
        ...data,
        slot_type: slot.slot_type,
        restart_lsn: slot.restart_lsn,
      });
    const create =
      type === "physical"
        ? {
            sql: "SELECT pg_create_physical_replication_slot($1, $2)",
            params: [args.name, args.immediately_reserve === true],
          }
        : { sql: "SELECT pg_create_logical_replication_slot($1, $2)", params: [args.name, args.output_plugin] };
    const after = `slot ${args.name}: ${type}${args.immediately_reserve ? ", WAL reserved now" : ""}\n`;
    return change(
      `create ${type} replication slot ${args.name}`,
      async (host) => {
        const now = await host.sql(args, async (s) => {
          await s.query(create.sql, create.params);
          return (await s.query(SLOT_QUERY, [args.name])).rows[0];
        });
        return { restart_lsn: now?.restart_lsn ?? null };
      },
      [{ path: `slot ${args.name}`, before: "", after }],
      data,
    );
  },
});
