// JSON Schema of Ansible's YAML inventory: groups with `hosts`, `vars` and nested `children`.
// The group schema is recursive, so its type is written by hand next to it.
import type { Infer } from "./infer.js";

/** One group as written: hosts (name -> vars), vars, child groups. Any part may be empty. */
export interface GroupInput {
  hosts?: Record<string, Record<string, unknown> | null> | null;
  vars?: Record<string, unknown> | null;
  children?: Record<string, GroupInput | null> | null;
}

/** A whole inventory file: top-level groups (usually just `all`). */
export type InventoryInput = Record<string, GroupInput | null>;

/** The inventory file schema; a top-level key other than `all` is a group under `all`, as in Ansible. */
export const inventorySchema = {
  type: "object",
  additionalProperties: { $ref: "#/definitions/group" },
  definitions: {
    group: {
      type: ["object", "null"],
      additionalProperties: false,
      properties: {
        hosts: { type: ["object", "null"], additionalProperties: { type: ["object", "null"] } },
        vars: { type: ["object", "null"] },
        children: { type: ["object", "null"], additionalProperties: { $ref: "#/definitions/group" } },
      },
    },
  },
} as const;

const TEMPLATE = "\\{\\{";
const textOrTemplate = { type: "string", minLength: 1 } as const;
const bool = {
  type: ["boolean", "string"],
  pattern: `^([Tt]rue|[Ff]alse|[Yy]es|[Nn]o|[Oo]n|[Oo]ff|TRUE|FALSE|YES|NO|ON|OFF|1|0)$|${TEMPLATE}`,
  description: "a boolean or a {{ }} template",
} as const;
const port = {
  type: ["integer", "string"],
  minimum: 1,
  maximum: 65535,
  pattern: `^\\s*\\d{1,5}\\s*$|${TEMPLATE}`,
  description: "a port number (1-65535) or a {{ }} template",
} as const;
const hostName = {
  type: "string",
  pattern: `^[^\\s]+$|${TEMPLATE}`,
  description: "a host name or address without blanks, or a {{ }} template",
} as const;

/** Types of the connection variables, wherever they are set (inventory, group_vars, vars files): a
 * wrong type (`ansible_port: not-a-port`) is an error at its line instead of a failed connection later. */
export const connectionVarsSchema = {
  type: ["object", "null"],
  properties: {
    ansible_host: hostName,
    ansible_ssh_host: hostName,
    ansible_port: port,
    ansible_ssh_port: port,
    ansible_user: textOrTemplate,
    ansible_ssh_user: textOrTemplate,
    ansible_connection: {
      type: "string",
      pattern: `^(ssh|local)$|${TEMPLATE}`,
      description: "'ssh', 'local' or a {{ }} template",
    },
    ansible_ssh_private_key_file: textOrTemplate,
    ansible_private_key_file: textOrTemplate,
    ansible_password: { type: ["string", "number"] },
    ansible_ssh_pass: { type: ["string", "number"] },
    ansible_ssh_known_hosts_file: textOrTemplate,
    ansible_become: bool,
    ansible_become_user: textOrTemplate,
    ansible_become_method: {
      type: "string",
      pattern: `^(sudo|su)$|${TEMPLATE}`,
      description: "'sudo', 'su' or a {{ }} template",
    },
    ansible_become_password: { type: ["string", "number"] },
  },
} as const;
/** Typed connection variables as written. */
export type ConnectionVarsInput = Infer<typeof connectionVarsSchema>;
