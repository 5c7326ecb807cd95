// `postgres_facts`: read-only server facts in one query (so both access paths return the same JSON):
// version, recovery state, LSNs, replication rows with lag, the WAL receiver, slots, the settings a
// standby must match, pending restarts and the system identifier; `parsePostgresFacts` shapes them.
import type { PostgresFactsArgs } from "./schema.js";
import { defineModule, ok, type Decision } from "../contract.js";

/** The settings reported: those a standby must match or exceed, and those replication needs. */
export const FACT_SETTINGS = [
  "wal_level",
  "max_wal_senders",
  "max_replication_slots",
  "wal_log_hints",
  "hot_standby",
  "max_connections",
  "max_worker_processes",
  "max_locks_per_transaction",
  "max_prepared_transactions",
  "primary_conninfo",
  "primary_slot_name",
  "synchronous_standby_names",
  "wal_keep_size",
  "port",
  "listen_addresses",
  "data_checksums",
] as const;

/** The one query: a single json column `facts` (primary_conninfo is dropped: it may hold a password). */
export const FACTS_QUERY = `
SELECT json_build_object(
  'server', (SELECT row_to_json(s) FROM (SELECT version() AS version, current_setting('server_version') AS server_version,
     current_setting('server_version_num')::int AS server_version_num, pg_is_in_recovery() AS in_recovery,
     current_setting('data_directory') AS data_directory, (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
     CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,
     pg_last_wal_receive_lsn()::text AS receive_lsn, pg_last_wal_replay_lsn()::text AS replay_lsn,
     pg_last_xact_replay_timestamp() AS last_replay_time, (SELECT timeline_id FROM pg_control_checkpoint()) AS timeline) s),
  'replication', (SELECT coalesce(json_agg(r ORDER BY r.application_name), '[]'::json) FROM (SELECT application_name, host(client_addr) AS client_addr,
     state, sync_state, sent_lsn::text AS sent_lsn, write_lsn::text AS write_lsn, flush_lsn::text AS flush_lsn, replay_lsn::text AS replay_lsn,
     CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END AS lag_bytes,
     extract(epoch FROM replay_lag)::float8 AS replay_lag_seconds FROM pg_stat_replication) r),
  'wal_receiver', (SELECT row_to_json(w) FROM (SELECT status, sender_host, sender_port, slot_name, received_tli,
     receive_start_lsn::text AS receive_start_lsn, written_lsn::text AS written_lsn, flushed_lsn::text AS flushed_lsn,
     latest_end_lsn::text AS latest_end_lsn, last_msg_receipt_time FROM pg_stat_wal_receiver) w),
  'slots', (SELECT coalesce(json_agg(l ORDER BY l.slot_name), '[]'::json) FROM (SELECT slot_name, slot_type, active, restart_lsn::text AS restart_lsn,
     wal_status, CASE WHEN pg_is_in_recovery() OR restart_lsn IS NULL THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 END AS retained_bytes
     FROM pg_replication_slots) l),
  'settings', (SELECT coalesce(json_object_agg(name, json_build_object('value', setting, 'unit', unit, 'pending_restart', pending_restart)), '{}'::json)
     FROM pg_settings WHERE (name = ANY($1::text[]) AND name <> 'primary_conninfo') OR pending_restart)
) AS facts`;

/** One replication row (primary side) as the facts report it. */
export interface ReplicationFact {
  application_name: string;
  client_addr: string | null;
  state: string | null;
  sync_state: string | null;
  sent_lsn: string | null;
  write_lsn: string | null;
  flush_lsn: string | null;
  replay_lsn: string | null;
  lag_bytes: number | null;
  replay_lag_seconds: number | null;
}

/** One replication slot as the facts report it. */
export interface SlotFact {
  slot_name: string;
  slot_type: string | null;
  active: boolean;
  restart_lsn: string | null;
  wal_status: string | null;
  retained_bytes: number | null;
}

type Raw = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined || v === "" ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const obj = (v: unknown): Raw => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const list = (v: unknown): Raw[] => (Array.isArray(v) ? (v as Raw[]) : []);

function replication(rows: Raw[]): ReplicationFact[] {
  return rows.map((r) => ({
    application_name: String(r.application_name ?? ""),
    client_addr: str(r.client_addr),
    state: str(r.state),
    sync_state: str(r.sync_state),
    sent_lsn: str(r.sent_lsn),
    write_lsn: str(r.write_lsn),
    flush_lsn: str(r.flush_lsn),
    replay_lsn: str(r.replay_lsn),
    lag_bytes: num(r.lag_bytes),
    replay_lag_seconds: num(r.replay_lag_seconds),
  }));
}

/** Shapes the raw `facts` JSON (from FACTS_QUERY) into the `postgres` fact; pure, tested from captured rows. */
export function parsePostgresFacts(raw: unknown) {
  const facts = obj(typeof raw === "string" ? JSON.parse(raw) : raw);
  const server = obj(facts.server);
  const inRecovery = server.in_recovery === true || server.in_recovery === "t";
  const settingsRaw = obj(facts.settings);
  const settings: Record<string, string | null> = {};
  const pending: string[] = [];
  for (const [name, v] of Object.entries(settingsRaw)) {
    const s = obj(v);
    if ((FACT_SETTINGS as readonly string[]).includes(name)) settings[name] = str(s.value);
    if (s.pending_restart === true) pending.push(name);
  }
  const walReceiver = facts.wal_receiver === null || facts.wal_receiver === undefined ? null : obj(facts.wal_receiver);
  return {
    version: String(server.server_version ?? ""),
    version_num: num(server.server_version_num),
    version_full: String(server.version ?? ""),
    in_recovery: inRecovery,
    role: inRecovery ? ("standby" as const) : ("primary" as const),
    data_directory: str(server.data_directory),
    system_identifier: str(server.system_identifier),
    timeline: num(server.timeline),
    current_lsn: inRecovery ? null : str(server.current_lsn),
    receive_lsn: inRecovery ? str(server.receive_lsn) : null,
    replay_lsn: inRecovery ? str(server.replay_lsn) : null,
    last_replay_time: inRecovery ? str(server.last_replay_time) : null,
    replication: replication(list(facts.replication)),
    wal_receiver: walReceiver,
    slots: list(facts.slots).map(
      (l): SlotFact => ({
        slot_name: String(l.slot_name ?? ""),
        slot_type: str(l.slot_type),
        active: l.active === true || l.active === "t",
        restart_lsn: str(l.restart_lsn),
        wal_status: str(l.wal_status),
        retained_bytes: num(l.retained_bytes),
      }),
    ),
    settings,
    pending_restart_settings: pending.sort(),
  };
}

/** The `postgres_facts` module: always ok (read-only), data `{postgres: ...}`; `filter` keeps only the named facts. */
export default defineModule<PostgresFactsArgs>({
  name: "postgres_facts",
  async plan(ctx, args): Promise<Decision> {
    const raw = await ctx.sql(args, async (s) => (await s.read(FACTS_QUERY, [[...FACT_SETTINGS]])).rows[0]?.facts);
    const postgres = parsePostgresFacts(raw);
    const filter =
      args.filter === undefined
        ? undefined
        : typeof args.filter === "string"
          ? args.filter.split(",").map((f) => f.trim())
          : args.filter;
    const where = postgres.in_recovery
      ? `standby replaying at ${postgres.replay_lsn}`
      : `primary at ${postgres.current_lsn} with ${postgres.replication.length} standby(s)`;
    const shown = filter ? Object.fromEntries(Object.entries(postgres).filter(([k]) => filter.includes(k))) : postgres;
    return ok(`PostgreSQL ${postgres.version}: ${where}`, { postgres: shown });
  },
});
