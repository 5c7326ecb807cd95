// How to reach a host, read from its merged variables: Ansible's `ansible_*` connection variables, or
// the same names without the prefix (`host`, `port`, `user`), plus our `ansible_ssh_known_hosts_file`.
import type { Vars } from "../source/vars-file.js";

/** Everything the connection layer needs to open a session to one host. */
export interface ConnectionInfo {
  readonly connection: "ssh" | "local";
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly privateKeyFile?: string;
  readonly password?: string;
  /** Our own variable: a known_hosts file for this host (default: the user's ~/.ssh/known_hosts). */
  readonly knownHostsFile?: string;
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly becomeMethod?: string;
  readonly becomePassword?: string;
}

/** Each connection setting with the variable names that give it, strongest first. */
export const CONNECTION_VARS = {
  host: ["ansible_host", "ansible_ssh_host", "host"],
  port: ["ansible_port", "ansible_ssh_port", "port"],
  user: ["ansible_user", "ansible_ssh_user", "user"],
  connection: ["ansible_connection"],
  privateKeyFile: ["ansible_ssh_private_key_file", "ansible_private_key_file"],
  password: ["ansible_password", "ansible_ssh_pass"],
  knownHostsFile: ["ansible_ssh_known_hosts_file"],
} as const;

function pick(vars: Vars, names: readonly string[]): unknown {
  for (const name of names) if (vars[name] !== undefined && vars[name] !== null) return vars[name];
  return undefined;
}

function optString(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

function optBool(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return ["true", "yes", "on", "1"].includes(value.toLowerCase());
  return Boolean(value);
}

/** The connection settings of a host from its merged (and rendered) variables. */
export function connectionOf(hostName: string, vars: Vars): ConnectionInfo {
  const conn = optString(pick(vars, CONNECTION_VARS.connection));
  const local = conn === "local";
  return {
    connection: local ? "local" : "ssh",
    host: optString(pick(vars, CONNECTION_VARS.host)) ?? hostName,
    port: Number(pick(vars, CONNECTION_VARS.port) ?? 22),
    user: optString(pick(vars, CONNECTION_VARS.user)),
    privateKeyFile: optString(pick(vars, CONNECTION_VARS.privateKeyFile)),
    password: optString(pick(vars, CONNECTION_VARS.password)),
    knownHostsFile: optString(pick(vars, CONNECTION_VARS.knownHostsFile)),
    become: optBool(vars.ansible_become),
    becomeUser: optString(vars.ansible_become_user),
    becomeMethod: optString(vars.ansible_become_method),
    becomePassword: optString(pick(vars, ["ansible_become_password", "ansible_become_pass"])),
  };
}
