// The loaded inventory: hosts and groups with their variables kept per source, so variable precedence
// (inventory file < group_vars/ < host_vars/, inventory dir < playbook dir) can be applied later.
import type { SourceLoc } from "../errors.js";
import type { Vars } from "../source/vars-file.js";

/** Variables read from group_vars/ or host_vars/ beside the inventory and beside the playbook. */
export interface DirVars {
  readonly inventory: Vars;
  readonly playbook: Vars;
}

/** One place a host is written in an inventory file, with the variables given there. */
export interface HostDefinition {
  readonly loc: SourceLoc;
  readonly vars: Vars;
}

/** A host: its inline variables (merged over its definitions), its direct groups and where it is defined. */
export interface InventoryHost {
  readonly name: string;
  readonly vars: Vars;
  /** Groups that list the host directly (not `all`, not parents of those groups). */
  readonly groups: readonly string[];
  readonly definitions: readonly HostDefinition[];
  readonly dirVars: DirVars;
}

/** A group: its direct hosts and children, its parents, its variables and its depth below `all`. */
export interface InventoryGroup {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly children: readonly string[];
  readonly parents: readonly string[];
  readonly vars: Vars;
  readonly dirVars: DirVars;
  /** 0 for `all`; a child is deeper than each of its parents. Sorts variable layers like Ansible. */
  readonly depth: number;
}

/** A whole inventory (possibly merged from several files); hosts keep the order they were written in. */
export interface Inventory {
  readonly hosts: ReadonlyMap<string, InventoryHost>;
  readonly groups: ReadonlyMap<string, InventoryGroup>;
  /** The inventory files, absolute. */
  readonly files: readonly string[];
}
