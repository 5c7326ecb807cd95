// group_vars/ and host_vars/ directories beside the inventory and beside the playbook: for each group
// or host a file (`db.yml`, `db.yaml`, `db.json`, `db`) or a folder of such files, merged by name.
import fs from "node:fs";
import path from "node:path";
import type { Problems } from "../source/problems.js";
import { loadVarsFile, type Vars } from "../source/vars-file.js";

/** Variables per group and per host from one kind of location (inventory dirs or the playbook dir). */
export interface VarsDirContent {
  readonly groups: Map<string, Vars>;
  readonly hosts: Map<string, Vars>;
}

const EXTENSIONS = [".yml", ".yaml", ".json", ""];

/** Reads group_vars/ and host_vars/ of the inventory directories and of the playbook directory. */
export function readVarsDirs(
  inventoryDirs: readonly string[],
  playbookDir: string | undefined,
  known: { groups: ReadonlySet<string>; hosts: ReadonlySet<string> },
  problems: Problems,
): { inventory: VarsDirContent; playbook: VarsDirContent } {
  const unique = [...new Set(inventoryDirs)];
  const inventory = readDirs(unique, known, problems);
  const pb = playbookDir && !unique.includes(path.resolve(playbookDir)) ? [path.resolve(playbookDir)] : [];
  return { inventory, playbook: readDirs(pb, known, problems) };
}

function readDirs(
  dirs: readonly string[],
  known: { groups: ReadonlySet<string>; hosts: ReadonlySet<string> },
  problems: Problems,
): VarsDirContent {
  const groups = new Map<string, Vars>();
  const hosts = new Map<string, Vars>();
  for (const dir of dirs) {
    mergeInto(groups, readKind(path.join(dir, "group_vars"), known.groups, problems));
    mergeInto(hosts, readKind(path.join(dir, "host_vars"), known.hosts, problems));
  }
  return { groups, hosts };
}

function mergeInto(target: Map<string, Vars>, source: Map<string, Vars>): void {
  for (const [name, vars] of source) target.set(name, { ...(target.get(name) ?? {}), ...vars });
}

function readKind(dir: string, names: ReadonlySet<string>, problems: Problems): Map<string, Vars> {
  const out = new Map<string, Vars>();
  if (!isDir(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (names.has(entry.name)) out.set(entry.name, { ...(out.get(entry.name) ?? {}), ...readFolder(full, problems) });
      continue;
    }
    const ext = EXTENSIONS.find((e) => e !== "" && entry.name.endsWith(e)) ?? "";
    const name = entry.name.slice(0, entry.name.length - ext.length);
    if (!names.has(name) || entry.name.startsWith(".")) continue;
    const loaded = loadVarsFile(full, problems);
    if (loaded) out.set(name, { ...(out.get(name) ?? {}), ...loaded.vars });
  }
  return out;
}

function readFolder(dir: string, problems: Problems): Vars {
  const vars: Vars = {};
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
  for (const rel of files) {
    const full = path.join(dir, rel);
    if (path.basename(rel).startsWith(".") || isDir(full)) continue;
    if (!EXTENSIONS.some((e) => e !== "" && rel.endsWith(e))) continue;
    const loaded = loadVarsFile(full, problems);
    if (loaded) Object.assign(vars, loaded.vars);
  }
  return vars;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
