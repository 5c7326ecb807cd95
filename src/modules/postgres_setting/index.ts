// `postgres_setting`: a server setting through ALTER SYSTEM (postgresql.auto.conf). The wanted value is
// compared, normalised by the setting's unit ('64MB' = '65536kB' = 8192 x 8kB), with the value the
// configuration files give it (what a reload or restart will apply), so a re-run before a restart is ok.
// Apply writes the value and calls pg_reload_conf(); a restart is the playbook's business (a handler),
// signalled by data.restart_required (context postmaster) and data.pending_restart.
import type { PostgresSettingArgs } from "./schema.js";
import { defineModule, change, fail, ok, type Decision } from "../contract.js";
import { pgEscapes, type SqlReader } from "../support/pg.js";

const SETTING_QUERY = `SELECT s.name, s.setting, s.unit, s.vartype, s.context, s.pending_restart,
  (SELECT f.setting FROM pg_file_settings f WHERE f.name = s.name ORDER BY f.seqno DESC LIMIT 1) AS file_value,
  EXISTS (SELECT 1 FROM pg_file_settings f WHERE f.name = s.name AND f.sourcefile LIKE '%/postgresql.auto.conf') AS in_auto_conf
FROM pg_settings s WHERE s.name = $1`;

const MEMORY: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const TIME: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Bytes or milliseconds per unit text such as '8kB', '16MB', 's'; undefined when not a unit. */
export function unitFactor(unit: string): number | undefined {
  const m = /^(\d*)\s*([A-Za-z]+)$/.exec(unit.trim());
  if (!m) return undefined;
  const base = MEMORY[m[2] as string] ?? TIME[m[2] as string];
  return base === undefined ? undefined : base * (m[1] ? Number(m[1]) : 1);
}

/** A value in the setting's terms: numbers in bytes/ms (bare numbers are in `unit`), booleans on/off, enums lower-case. */
export function normaliseSetting(value: string, vartype: string, unit: string | null): string {
  const v = value.trim();
  if (vartype === "bool")
    return /^(on|true|yes|1|t|y)$/i.test(v) ? "on" : /^(off|false|no|0|f|n)$/i.test(v) ? "off" : v.toLowerCase();
  if (vartype === "enum") return v.toLowerCase();
  if (vartype !== "integer" && vartype !== "real") return value;
  const m = /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([A-Za-z]*)$/i.exec(v);
  if (!m) return v;
  const n = Number(m[1]);
  if (!unit) return String(n);
  const factor = m[2] ? unitFactor(m[2]) : unitFactor(unit);
  return factor === undefined ? v : String(n * factor);
}

/** `a.b` -> `"a"."b"` (custom settings are dotted). */
function settingIdent(name: string): string {
  return name
    .split(".")
    .map((p) => pgEscapes().escapeIdentifier(p))
    .join(".");
}

type SettingRow = Record<string, unknown>;

async function readSetting(s: SqlReader, name: string): Promise<SettingRow | undefined> {
  return (await s.read(SETTING_QUERY, [name])).rows[0];
}

/** After pg_reload_conf() the server applies the files asynchronously: wait briefly for it to settle. */
async function settle(s: SqlReader, name: string, want: string | undefined): Promise<SettingRow | undefined> {
  let row: SettingRow | undefined;
  for (let i = 0; i < 20; i++) {
    row = await readSetting(s, name);
    if (
      !row ||
      row.pending_restart === true ||
      want === undefined ||
      normaliseSetting(String(row.setting), String(row.vartype), row.unit as string | null) === want
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return row;
}

/** The `postgres_setting` module. */
export default defineModule<PostgresSettingArgs>({
  name: "postgres_setting",
  async plan(ctx, args): Promise<Decision> {
    const name = args.name.toLowerCase();
    const row = await ctx.sql(args, (s) => readSetting(s, name));
    if (!row) return fail(`postgres_setting: the server has no setting ${name}`);
    if (row.context === "internal") return fail(`postgres_setting: ${name} is read-only (context internal)`);
    if (args.value === undefined && !args.reset) return fail("postgres_setting: give `value` or `reset: true`");
    const norm = (v: string) => normaliseSetting(v, String(row.vartype), row.unit as string | null);
    const unit = row.unit ? ` ${String(row.unit)}` : "";
    const liveText = `${String(row.setting)}${unit}`;
    const postmaster = row.context === "postmaster";
    const want = args.reset ? undefined : norm(String(args.value));
    const fileNorm = row.file_value === null ? undefined : norm(String(row.file_value));
    const liveNorm = norm(String(row.setting));
    const inFiles = args.reset ? !row.in_auto_conf : (fileNorm ?? liveNorm) === want;
    const pending = row.pending_restart === true || (want !== undefined && liveNorm !== want);
    if (inFiles && (postmaster || args.reset || liveNorm === want)) {
      const why = args.reset
        ? `${name} is not set by ALTER SYSTEM`
        : `${name} is ${String(args.value)} (now ${liveText}${pending ? ", applied at the next restart" : ""})`;
      return ok(why, {
        name,
        value: liveText,
        context: row.context,
        restart_required: postmaster && pending,
        pending_restart: pending,
      });
    }
    const target = args.reset ? "(reset to default)" : String(args.value);
    const sql = args.reset
      ? `ALTER SYSTEM RESET ${settingIdent(name)}`
      : `ALTER SYSTEM SET ${settingIdent(name)} = ${pgEscapes().escapeLiteral(String(args.value))}`;
    const summary = inFiles
      ? `reload the configuration so ${name} takes ${target}`
      : `set ${name} = ${target} with ALTER SYSTEM${postmaster ? " (applies at restart)" : " and reload"}`;
    const data = { name, context: row.context, restart_required: postmaster };
    return change(
      summary,
      async (host) => {
        const after = await host.sql(args, async (s) => {
          if (!inFiles) await s.query(sql);
          await s.query("SELECT pg_reload_conf()");
          return settle(s, name, want);
        });
        return {
          value: after ? `${String(after.setting)}${unit}` : null,
          pending_restart: after?.pending_restart === true,
        };
      },
      [
        {
          path: `setting ${name}`,
          before: `${name} = ${row.file_value ?? liveText}\n`,
          after: `${name} = ${target}\n`,
        },
      ],
      data,
    );
  },
});
