// Argument schemas shared by several modules (file attributes, Postgres connection), so a name means
// the same thing everywhere, as in Ansible.

/** A string argument. */
export const str = { type: "string" } as const;
/** A boolean argument (YAML 1.1 also reads yes/no as booleans, like Ansible). */
export const bool = { type: "boolean" } as const;
/** An integer argument. */
export const int = { type: "integer" } as const;
/** A number of seconds or similar, integer or fractional. */
export const num = { type: "number" } as const;
/** A string or a list of strings (package names, groups). */
export const strOrList = { type: ["string", "array"], items: { type: "string" } } as const;
/** A name given to a tool as an operand where the tool has no `--` (find, update-rc.d): never read as an option. */
export const operand = { type: "string", pattern: "^[^-]", description: "a name not starting with '-'" } as const;
/** A user or group name: shadow's tools refuse `:`, `,` and blanks, and one starting with `-` would read as an option. */
export const accountName = {
  type: "string",
  pattern: "^[^-:,\\s][^:,\\s]*$",
  description: "a name not starting with '-', without ':', ',' or blanks",
} as const;
/** A mapping of free values. */
export const anyMap = { type: "object" } as const;

/** mode/owner/group as Ansible's file-based modules take them; mode is `'0644'` or an integer. */
export const fileAttributes = {
  mode: { type: ["string", "integer"] },
  owner: str,
  group: str,
} as const;

/** What a PostgreSQL name (database, role, extension, output plugin) may be, in words. */
export const PG_NAME_RULE = "a letter or _, then letters, digits, _, $ or -, at most 63 characters";
/** The same as a pattern: nothing that could end a quoted identifier, a pg_hba.conf field or a psql argument. */
export const PG_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_$\\-]{0,62}$";

/** A database, role or extension name, checked as written and again once rendered. */
export const pgName = {
  type: "string",
  pattern: PG_NAME_PATTERN,
  description: `a PostgreSQL name (${PG_NAME_RULE})`,
} as const;
/** A replication slot name: PostgreSQL's own rule for slots. */
export const pgSlotName = {
  type: "string",
  pattern: "^[a-z0-9_]{1,63}$",
  description: "a replication slot name (lower-case letters, digits and _, at most 63 characters)",
} as const;
/** A server setting name; custom settings are dotted (`prefix.name`). */
export const pgSettingName = {
  type: "string",
  pattern: "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$",
  description: "a setting name (letters, digits and _, dotted for a custom setting)",
} as const;

/** How the Postgres modules reach the server (through an ssh-forwarded stream to login_host:port). */
export const pgConnection = {
  db: pgName,
  login_db: pgName,
  login_user: pgName,
  login_password: str,
  login_host: str,
  login_unix_socket: str,
  port: int,
} as const;
