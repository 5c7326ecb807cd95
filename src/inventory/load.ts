// Loads Ansible YAML inventories into an Inventory: groups, hosts, the implicit `all` and `ungrouped`,
// group_vars/ and host_vars/ beside the inventory and the playbook. Reports every problem found.
import path from "node:path";
import type { Diagnostic, SourceLoc } from "../errors.js";
import { checkValue, formatPath, type DocPath } from "../schema/ajv.js";
import { connectionVarsSchema, inventorySchema, type GroupInput, type InventoryInput } from "../schema/inventory.js";
import { Problems } from "../source/problems.js";
import type { Vars } from "../source/vars-file.js";
import { readYamlFile, type YamlFile } from "../source/yaml-file.js";
import { checkConnectionConflicts } from "./conflicts.js";
import { expandHostRange } from "./ranges.js";
import type { Inventory, InventoryGroup, InventoryHost } from "./types.js";
import { readVarsDirs } from "./vars-dirs.js";

/** Where to look for group_vars/ and host_vars/ besides the inventory files' own directories. */
export interface LoadInventoryOptions {
  readonly playbookDir?: string;
}

/** The loaded inventory, or every diagnostic that prevented it; warnings in both cases. */
export type InventoryResult =
  | { ok: true; inventory: Inventory; warnings: Diagnostic[] }
  | {
      ok: false;
      diagnostics: Diagnostic[];
      warnings: Diagnostic[] /** Whole, when only variables' types are wrong. */;
      inventory?: Inventory;
    };

interface HostBuild {
  name: string;
  vars: Vars;
  groups: Set<string>;
  definitions: { loc: SourceLoc; vars: Vars }[];
}

interface GroupBuild {
  name: string;
  hosts: Set<string>;
  children: Set<string>;
  parents: Set<string>;
  vars: Vars;
  loc?: SourceLoc;
}

/** Builder state shared by the walk over every inventory file. */
interface Build {
  hosts: Map<string, HostBuild>;
  groups: Map<string, GroupBuild>;
  problems: Problems;
  /** Wrongly typed connection variables: errors, but the inventory is still whole. */
  typeProblems: Problems;
}

/** Loads one or more inventory files (later files add to and override earlier ones). */
export function loadInventory(files: readonly string[], opts: LoadInventoryOptions = {}): InventoryResult {
  const build: Build = { hosts: new Map(), groups: new Map(), problems: new Problems(), typeProblems: new Problems() };
  group(build, "all");
  const abs = files.map((f) => path.resolve(f));
  for (const file of abs) readInventoryFile(build, file);
  finishGroups(build);
  checkConnectionConflicts(build.hosts.values(), build.problems);
  const dirs = readVarsDirs(
    abs.map((f) => path.dirname(f)),
    opts.playbookDir,
    { groups: new Set(build.groups.keys()), hosts: new Set(build.hosts.keys()) },
    build.problems,
  );
  const { errors, warnings } = build.problems;
  if (errors.length > 0) return { ok: false, diagnostics: [...errors, ...build.typeProblems.errors], warnings };
  const depths = groupDepths(build.groups);
  const empty = (): Vars => ({});
  const groups = new Map<string, InventoryGroup>();
  for (const g of build.groups.values()) {
    groups.set(g.name, {
      name: g.name,
      hosts: [...g.hosts],
      children: [...g.children],
      parents: [...g.parents],
      vars: g.vars,
      depth: depths.get(g.name) ?? 1,
      dirVars: {
        inventory: dirs.inventory.groups.get(g.name) ?? empty(),
        playbook: dirs.playbook.groups.get(g.name) ?? empty(),
      },
    });
  }
  const hosts = new Map<string, InventoryHost>();
  for (const h of build.hosts.values()) {
    hosts.set(h.name, {
      name: h.name,
      vars: h.vars,
      groups: [...h.groups],
      definitions: h.definitions,
      dirVars: {
        inventory: dirs.inventory.hosts.get(h.name) ?? empty(),
        playbook: dirs.playbook.hosts.get(h.name) ?? empty(),
      },
    });
  }
  const inventory: Inventory = { hosts, groups, files: abs };
  const typeErrors = build.typeProblems.errors;
  if (typeErrors.length > 0) return { ok: false, diagnostics: typeErrors, warnings, inventory };
  return { ok: true, inventory, warnings };
}

function readInventoryFile(build: Build, abs: string): void {
  const read = readYamlFile(abs, undefined, "inventory");
  if (!read.ok) {
    build.problems.addAll(read.diagnostics);
    return;
  }
  const file = read.file;
  if (file.value === null || file.value === undefined) {
    build.problems.error(file.locate([]), "", "empty inventory: expected a mapping with `all:` and its hosts");
    return;
  }
  const issues = checkValue(inventorySchema, file.value, { noun: "group keyword" });
  if (issues.length > 0) {
    build.problems.addIssues(file, [], "", issues);
    return;
  }
  for (const [name, input] of Object.entries(file.value as InventoryInput)) {
    walkGroup(build, file, name, input, [name]);
    if (name !== "all") link(build, "all", name);
  }
}

function walkGroup(build: Build, file: YamlFile, name: string, input: GroupInput | null, at: DocPath): void {
  const g = group(build, name);
  g.loc ??= file.locate(at, { key: true });
  if (!input) return;
  checkConnectionVars(build, file, input.vars, [...at, "vars"]);
  Object.assign(g.vars, input.vars ?? {});
  for (const [pattern, vars] of Object.entries(input.hosts ?? {})) {
    checkConnectionVars(build, file, vars, [...at, "hosts", pattern]);
    const loc = file.locate([...at, "hosts", pattern], { key: true });
    for (const hostName of expandHostRange(pattern)) addHost(build, name, hostName, vars ?? {}, loc);
  }
  for (const [child, childInput] of Object.entries(input.children ?? {})) {
    if (child === "all") {
      build.problems.error(
        file.locate([...at, "children", child], { key: true }),
        formatPath([...at, "children", child]),
        "group 'all' cannot be a child of another group",
      );
      continue;
    }
    link(build, name, child);
    walkGroup(build, file, child, childInput, [...at, "children", child]);
  }
}

/** Reports connection variables of the wrong type (`ansible_port: not-a-port`) at their line. */
function checkConnectionVars(build: Build, file: YamlFile, vars: unknown, at: DocPath): void {
  if (vars === undefined || vars === null) return;
  build.typeProblems.addIssues(file, at, "", checkValue(connectionVarsSchema, vars, { noun: "variable" }));
}

function addHost(build: Build, groupName: string, name: string, vars: Vars, loc: SourceLoc): void {
  let h = build.hosts.get(name);
  if (!h) {
    h = { name, vars: {}, groups: new Set(), definitions: [] };
    build.hosts.set(name, h);
  }
  Object.assign(h.vars, vars);
  h.definitions.push({ loc, vars });
  if (groupName !== "all") h.groups.add(groupName);
  group(build, groupName).hosts.add(name);
}

function group(build: Build, name: string): GroupBuild {
  let g = build.groups.get(name);
  if (!g) {
    g = { name, hosts: new Set(), children: new Set(), parents: new Set(), vars: {} };
    build.groups.set(name, g);
  }
  return g;
}

function link(build: Build, parent: string, child: string): void {
  group(build, parent).children.add(child);
  group(build, child).parents.add(parent);
}

/** Adds `ungrouped`, hangs parentless groups under `all`, and reports cycles among groups. */
function finishGroups(build: Build): void {
  const ungrouped = group(build, "ungrouped");
  link(build, "all", "ungrouped");
  for (const h of build.hosts.values()) if (h.groups.size === 0) ungrouped.hosts.add(h.name);
  for (const g of build.groups.values()) if (g.name !== "all" && g.parents.size === 0) link(build, "all", g.name);
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    if (done.has(name)) return;
    if (visiting.has(name)) {
      const loc = build.groups.get(name)?.loc ?? { file: "inventory", line: 1, col: 1 };
      build.problems.error(loc, "", `cyclic group membership: ${[...trail, name].join(" -> ")}`);
      return;
    }
    visiting.add(name);
    for (const child of build.groups.get(name)?.children ?? []) visit(child, [...trail, name]);
    visiting.delete(name);
    done.add(name);
  };
  visit("all", []);
}

function groupDepths(groups: ReadonlyMap<string, GroupBuild>): Map<string, number> {
  const depths = new Map<string, number>([["all", 0]]);
  const queue = ["all"];
  while (queue.length > 0) {
    const name = queue.shift() ?? "all";
    const depth = depths.get(name) ?? 0;
    for (const child of groups.get(name)?.children ?? []) {
      if ((depths.get(child) ?? -1) < depth + 1 && depth + 1 < groups.size + 1) {
        depths.set(child, depth + 1);
        queue.push(child);
      }
    }
  }
  return depths;
}
