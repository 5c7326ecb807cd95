// JSON Schema of Ansible's YAML inventory: groups with `hosts`, `vars` and nested `children`.
// The group schema is recursive, so its type is written by hand next to it.

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
