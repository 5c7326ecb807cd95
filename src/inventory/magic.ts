// Ansible's magic variables that the runner defines for each host: its name, its groups, the play's
// hosts, the directories involved and `omit`. `hostvars` and facts are filled in by the engine.
import path from "node:path";
import type { Vars } from "../source/vars-file.js";
import { groupsOfHost, hostsInGroup } from "./patterns.js";
import type { Inventory } from "./types.js";

/** The value of `omit`: a task argument equal to it is dropped before the module runs. */
export const OMIT = "__omit_place_holder__gocd_bc";

/** Names the runner defines for every task (magic variables); the validator treats them as defined. */
export const MAGIC_VAR_NAMES: readonly string[] = [
  "inventory_hostname",
  "inventory_hostname_short",
  "group_names",
  "groups",
  "hostvars",
  "play_hosts",
  "ansible_play_hosts",
  "ansible_play_hosts_all",
  "ansible_play_batch",
  "ansible_play_name",
  "playbook_dir",
  "inventory_dir",
  "inventory_file",
  "role_name",
  "role_path",
  "ansible_check_mode",
  "ansible_diff_mode",
  "ansible_facts",
  "ansible_run_tags",
  "ansible_skip_tags",
  "ansible_limit",
  "ansible_version",
  "omit",
];

/** What the magic variables depend on beyond the inventory. */
export interface MagicContext {
  readonly playHosts: readonly string[];
  readonly batch?: readonly string[];
  readonly playName?: string;
  readonly playbookDir: string;
  readonly checkMode?: boolean;
  readonly diffMode?: boolean;
}

/** The magic variables of one host (without `hostvars` and `ansible_facts`, which the engine adds). */
export function magicVars(inv: Inventory, host: string, ctx: MagicContext): Vars {
  const groups: Record<string, string[]> = {};
  for (const g of inv.groups.keys()) groups[g] = hostsInGroup(inv, g);
  const invFile = inv.files[0] ?? "";
  return {
    inventory_hostname: host,
    inventory_hostname_short: host.split(".")[0],
    group_names: groupsOfHost(inv, host).filter((g) => g !== "all" && g !== "ungrouped"),
    groups,
    play_hosts: [...(ctx.batch ?? ctx.playHosts)],
    ansible_play_hosts: [...ctx.playHosts],
    ansible_play_hosts_all: [...ctx.playHosts],
    ansible_play_batch: [...(ctx.batch ?? ctx.playHosts)],
    ansible_play_name: ctx.playName ?? "",
    playbook_dir: ctx.playbookDir,
    inventory_dir: invFile ? path.dirname(invFile) : "",
    inventory_file: invFile,
    ansible_check_mode: ctx.checkMode ?? false,
    ansible_diff_mode: ctx.diffMode ?? false,
    omit: OMIT,
  };
}

/** Removes arguments whose rendered value is `omit` (Ansible's `{{ x | default(omit) }}` idiom,
 * written `{{ default x omit }}` here), at any depth of mappings. */
export function dropOmitted(args: Vars): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(args)) {
    if (v === OMIT) continue;
    out[k] = v && typeof v === "object" && !Array.isArray(v) ? dropOmitted(v as Vars) : v;
  }
  return out;
}
