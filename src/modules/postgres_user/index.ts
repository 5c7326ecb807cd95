// `postgres_user`: a database role present with attributes (role_attr_flags), connection limit and
// password, or absent. The password is a secret: it is compared with pg_authid by re-deriving the stored
// SCRAM (or md5) verifier with its own salt and iterations, and set by sending a fresh SCRAM verifier
// (the server stores a pre-hashed verifier as is), so the clear text never reaches the server, its logs,
// a command line, a diff, a message or registered data. New roles get LOGIN unless NOLOGIN (as CREATE USER).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { RemoteOperationError } from "../../connection/index.js";
import type { PostgresUserArgs } from "./schema.js";
import { defineModule, change, fail, ok, type HostWriter, type Decision } from "../contract.js";
import { pgEscapes } from "../support/pg.js";

/** SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> (RFC 5802/7677) as PostgreSQL stores it. */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  // SASLprep is the identity for ASCII passwords; other text is NFKC-normalised, its main step.
  const salted = pbkdf2Sync(Buffer.from(password.normalize("NFKC"), "utf8"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** True when `stored` (rolpassword) is a verifier of `password`: SCRAM re-derived with its salt, or md5(password + role). */
export function passwordMatches(stored: string | null, password: string, role: string): boolean {
  if (!stored) return false;
  const scram = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored);
  if (scram) return scramVerifier(password, Buffer.from(scram[2] as string, "base64"), Number(scram[1])) === stored;
  return (
    stored ===
    `md5${createHash("md5")
      .update(password + role)
      .digest("hex")}`
  );
}

const FLAG_COLUMNS = {
  SUPERUSER: "rolsuper",
  CREATEROLE: "rolcreaterole",
  CREATEDB: "rolcreatedb",
  INHERIT: "rolinherit",
  LOGIN: "rolcanlogin",
  REPLICATION: "rolreplication",
  BYPASSRLS: "rolbypassrls",
} as const;
type Flag = keyof typeof FLAG_COLUMNS;

/** "REPLICATION,LOGIN NOSUPERUSER" -> {REPLICATION: true, LOGIN: true, SUPERUSER: false}, or the unknown word. */
export function parseRoleFlags(text: string | undefined): Partial<Record<Flag, boolean>> | string {
  const out: Partial<Record<Flag, boolean>> = {};
  for (const word of (text ?? "")
    .toUpperCase()
    .split(/[\s,]+/)
    .filter(Boolean)) {
    const flag = (word.startsWith("NO") && !(word in FLAG_COLUMNS) ? word.slice(2) : word) as Flag;
    if (!(flag in FLAG_COLUMNS)) return word;
    out[flag] = flag === word;
  }
  return out;
}

const ROLE_QUERY = `SELECT rolname, ${Object.values(FLAG_COLUMNS).join(", ")}, rolconnlimit, rolpassword FROM pg_authid WHERE rolname = $1`;

function describeRole(flags: Partial<Record<Flag, boolean>>, connLimit: unknown, password: string): string {
  const words = (Object.keys(FLAG_COLUMNS) as Flag[])
    .filter((f) => flags[f] !== undefined)
    .map((f) => (flags[f] ? f : `NO${f}`));
  return `attributes: ${words.join(" ")}\nconnection limit: ${String(connLimit)}\npassword: ${password}\n`;
}

async function execSecret(host: HostWriter, args: PostgresUserArgs, sql: string, hide: string[]): Promise<void> {
  try {
    await host.sql(args, (s) => s.query(sql));
  } catch (e) {
    // The verifier is this module's own secret (the run knows only the password): masked here.
    throw new RemoteOperationError(
      host.host,
      "run",
      host.redact.known(e instanceof Error ? e.message : String(e), hide),
    );
  }
}

/** The `postgres_user` module. */
export default defineModule<PostgresUserArgs>({
  name: "postgres_user",
  async plan(ctx, args): Promise<Decision> {
    const flags = parseRoleFlags(args.role_attr_flags);
    if (typeof flags === "string") return fail(`postgres_user: unknown role attribute ${flags}`);
    const role = await ctx.sql(args, async (s) => (await s.read(ROLE_QUERY, [args.name])).rows[0]);
    const ident = pgEscapes().escapeIdentifier(args.name);
    const data = { name: args.name, state: args.state ?? "present" };
    if (args.state === "absent") {
      if (!role) return ok(`role ${args.name} does not exist`, data);
      return change(
        `drop role ${args.name}`,
        (host) => execSecret(host, args, `DROP ROLE ${ident}`, []),
        [{ path: `role ${args.name}`, before: `role ${args.name}\n`, after: "" }],
        data,
      );
    }
    const verifier = args.password !== undefined ? scramVerifier(args.password) : undefined;
    const hide = [args.password ?? "", verifier ?? ""].filter(Boolean);
    const passwordClause = verifier ? ` PASSWORD ${pgEscapes().escapeLiteral(verifier)}` : "";
    const connClause = args.conn_limit !== undefined ? ` CONNECTION LIMIT ${args.conn_limit}` : "";
    const flagWords = (f: Partial<Record<Flag, boolean>>) =>
      (Object.keys(f) as Flag[]).map((k) => ` ${f[k] ? "" : "NO"}${k}`).join("");
    if (!role) {
      const wanted = { LOGIN: true, ...flags };
      const after = describeRole(wanted, args.conn_limit ?? -1, verifier ? "(set)" : "(none)");
      return change(
        `create role ${args.name}`,
        (host) =>
          execSecret(host, args, `CREATE ROLE ${ident} WITH${flagWords(wanted)}${connClause}${passwordClause}`, hide),
        [{ path: `role ${args.name}`, before: "", after }],
        data,
      );
    }
    const current: Partial<Record<Flag, boolean>> = {};
    const changed: Partial<Record<Flag, boolean>> = {};
    for (const f of Object.keys(FLAG_COLUMNS) as Flag[]) {
      current[f] = role[FLAG_COLUMNS[f]] === true;
      if (flags[f] !== undefined && flags[f] !== current[f]) changed[f] = flags[f];
    }
    const connChanged = args.conn_limit !== undefined && Number(role.rolconnlimit) !== args.conn_limit;
    const pwChanged =
      args.password !== undefined && !passwordMatches(role.rolpassword as string | null, args.password, args.name);
    if (!Object.keys(changed).length && !connChanged && !pwChanged) {
      return ok(
        `role ${args.name} has the wanted attributes${args.password !== undefined ? " and password" : ""}`,
        data,
      );
    }
    const hasPw = role.rolpassword ? "(set)" : "(none)";
    const before = describeRole(current, role.rolconnlimit, hasPw);
    const after = describeRole(
      { ...current, ...changed },
      connChanged ? args.conn_limit : role.rolconnlimit,
      pwChanged ? "(changed)" : hasPw,
    );
    const sql = `ALTER ROLE ${ident} WITH${flagWords(changed)}${connChanged ? connClause : ""}${pwChanged ? passwordClause : ""}`;
    const what = [
      ...Object.keys(changed).map((f) => (changed[f as Flag] ? f : `NO${f}`)),
      connChanged ? "connection limit" : "",
      pwChanged ? "password" : "",
    ].filter(Boolean);
    return change(
      `alter role ${args.name}: ${what.join(", ")}`,
      (host) => execSecret(host, args, sql, hide),
      [{ path: `role ${args.name}`, before, after }],
      data,
    );
  },
});
