// Variable precedence as Ansible documents it, lowest first. The engine fills the layers it knows for
// a host and a task; mergeVars applies them in order. Merging replaces top-level keys (Ansible's
// default `hash_behaviour = replace`): a dict in a higher layer replaces the whole dict below it.
import type { Vars } from "../source/vars-file.js";
import { groupsOfHost } from "./patterns.js";
import type { Inventory } from "./types.js";

/** Every source of variables, by precedence level; a list applies its items in order (later wins). */
export interface VarLayers {
  roleDefaults?: Vars | readonly Vars[];
  inventoryFileGroupVars?: Vars | readonly Vars[];
  inventoryGroupVarsAll?: Vars | readonly Vars[];
  playbookGroupVarsAll?: Vars | readonly Vars[];
  inventoryGroupVars?: Vars | readonly Vars[];
  playbookGroupVars?: Vars | readonly Vars[];
  inventoryFileHostVars?: Vars | readonly Vars[];
  inventoryHostVars?: Vars | readonly Vars[];
  playbookHostVars?: Vars | readonly Vars[];
  facts?: Vars | readonly Vars[];
  playVars?: Vars | readonly Vars[];
  varsFiles?: Vars | readonly Vars[];
  roleVars?: Vars | readonly Vars[];
  blockVars?: Vars | readonly Vars[];
  taskVars?: Vars | readonly Vars[];
  includeVars?: Vars | readonly Vars[];
  setFacts?: Vars | readonly Vars[];
  roleParams?: Vars | readonly Vars[];
  includeParams?: Vars | readonly Vars[];
  extraVars?: Vars | readonly Vars[];
  /** inventory_hostname, groups, hostvars...: set by the runner, never overridden. */
  magic?: Vars | readonly Vars[];
}

/** The layers from lowest to highest precedence (Ansible's documented order, vars_prompt aside). */
export const PRECEDENCE: readonly (keyof VarLayers)[] = [
  "roleDefaults",
  "inventoryFileGroupVars",
  "inventoryGroupVarsAll",
  "playbookGroupVarsAll",
  "inventoryGroupVars",
  "playbookGroupVars",
  "inventoryFileHostVars",
  "inventoryHostVars",
  "playbookHostVars",
  "facts",
  "playVars",
  "varsFiles",
  "roleVars",
  "blockVars",
  "taskVars",
  "includeVars",
  "setFacts",
  "roleParams",
  "includeParams",
  "extraVars",
  "magic",
];

/** Merges the layers in precedence order into one set of variables. */
export function mergeVars(layers: VarLayers): Vars {
  const out: Vars = {};
  for (const level of PRECEDENCE) {
    const layer = layers[level];
    if (layer === undefined) continue;
    const list: readonly Vars[] = Array.isArray(layer) ? layer : [layer as Vars];
    for (const vars of list) Object.assign(out, vars);
  }
  return out;
}

/** The inventory's layers for one host: group vars by group depth then name, then host vars. */
export function hostVarLayers(inv: Inventory, host: string): VarLayers {
  const groups = groupsOfHost(inv, host)
    .map((g) => inv.groups.get(g))
    .filter((g) => g !== undefined);
  const others = groups.filter((g) => g.name !== "all");
  const all = inv.groups.get("all");
  const h = inv.hosts.get(host);
  return {
    inventoryFileGroupVars: groups.map((g) => g.vars),
    inventoryGroupVarsAll: all?.dirVars.inventory ?? {},
    playbookGroupVarsAll: all?.dirVars.playbook ?? {},
    inventoryGroupVars: others.map((g) => g.dirVars.inventory),
    playbookGroupVars: others.map((g) => g.dirVars.playbook),
    inventoryFileHostVars: h?.vars ?? {},
    inventoryHostVars: h?.dirVars.inventory ?? {},
    playbookHostVars: h?.dirVars.playbook ?? {},
  };
}

/** A host's variables from the inventory alone (what `hostvars[host]` shows before any play runs). */
export function inventoryVarsOf(inv: Inventory, host: string): Vars {
  return mergeVars(hostVarLayers(inv, host));
}
