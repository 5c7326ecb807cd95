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

/** How the Postgres modules reach the server (through an ssh-forwarded stream to login_host:port). */
export const pgConnection = {
  db: str,
  login_db: str,
  login_user: str,
  login_password: str,
  login_host: str,
  login_unix_socket: str,
  port: int,
} as const;
