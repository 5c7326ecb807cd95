// Where files are found: roles (beside the playbook, in the project's roles/), a role's own files
// (tasks/main.yml...), and the files a task names (template src, copy src, include_vars).
import fs from "node:fs";
import path from "node:path";
import type { RoleContext } from "./plan.js";

const YAML_EXTENSIONS = [".yml", ".yaml", ".json", ""];

/** True if the path exists and is a directory. */
export function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** True if the path exists and is a file. */
export function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Directories searched for roles: extra ones first, then `roles/` beside the playbook, then the
 * `roles/` of each parent directory up to the project root (the first with package.json or .git),
 * then the playbook's own directory. */
export function roleSearchPath(playbookDir: string, extra: readonly string[] = []): string[] {
  const dirs = [...extra.map((d) => path.resolve(d)), path.join(playbookDir, "roles")];
  let dir = playbookDir;
  while (!isFile(path.join(dir, "package.json")) && !fs.existsSync(path.join(dir, ".git"))) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
    dirs.push(path.join(dir, "roles"));
  }
  dirs.push(playbookDir);
  return [...new Set(dirs)];
}

/** The directory of a role by name (or by path, when the name has a slash), or undefined. */
export function findRole(name: string, search: readonly string[], playbookDir: string): string | undefined {
  if (name.includes("/")) {
    const dir = path.resolve(playbookDir, name);
    return isDir(dir) ? dir : undefined;
  }
  return search
    .map((d) => path.join(d, name))
    .find(
      (d) =>
        isDir(path.join(d, "tasks")) ||
        isDir(path.join(d, "meta")) ||
        isDir(path.join(d, "defaults")) ||
        isDir(path.join(d, "handlers")),
    );
}

/** Every role name present in the search path, for "did you mean". */
export function knownRoles(search: readonly string[]): string[] {
  const out = new Set<string>();
  for (const d of search) {
    if (!isDir(d)) continue;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) out.add(e.name);
  }
  return [...out];
}

/** A role's file such as tasks/main.yml (or tasks/<base>.yml for tasks_from), or undefined. */
export function roleFile(roleDir: string, sub: string, base = "main"): string | undefined {
  const stem = path.join(roleDir, sub, base);
  if (YAML_EXTENSIONS.some((e) => e !== "" && base.endsWith(e))) return isFile(stem) ? stem : undefined;
  return YAML_EXTENSIONS.map((e) => stem + e).find(isFile);
}

/** Candidate paths for a file a task names: the role's `kind/` dir, then the playbook's, then as given. */
export function fileCandidates(
  kind: "templates" | "files" | "vars" | "tasks",
  src: string,
  role: RoleContext | undefined,
  baseDirs: readonly string[],
): string[] {
  if (path.isAbsolute(src)) return [src];
  const dirs = [
    ...(role ? [path.join(role.path, kind), role.path] : []),
    ...baseDirs.flatMap((d) => [path.join(d, kind), d]),
  ];
  return [...new Set(dirs.map((d) => path.join(d, src)))];
}

/** Resolves a file a task names (template src, copy src, include_vars), or undefined if none exists. */
export function resolveTaskFile(
  kind: "templates" | "files" | "vars" | "tasks",
  src: string,
  role: RoleContext | undefined,
  baseDirs: readonly string[],
): string | undefined {
  return fileCandidates(kind, src, role, baseDirs).find((p) => fs.existsSync(p));
}
