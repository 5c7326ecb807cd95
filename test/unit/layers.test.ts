// The folders of src/ form layers: a folder imports only folders in layers below its own, never one above
// it or beside it, so there is no cycle between folders and each folder can be read, tested and changed
// knowing only what lies below it. Every relative import of every src/**/*.ts file is checked.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const SRC = path.join(root, "src");

/** The files directly in src/ (errors.ts, user-regex.ts), as a folder of their own. */
const TOP = ".";

/**
 * The declared layers, highest first. Why this order: each layer is what the one above it is built on.
 * The command line drives the topology reading, which runs playbooks through the engine; the engine runs
 * modules and hands their results to the reports; a playbook is loaded and its tasks checked against the
 * modules it names (each module's folder holds its argument schema beside its implementation, so the loader
 * stands on modules, reading only their schemas); modules, like a playbook, work on an inventory's hosts
 * and vars; both are read from source files (YAML with positions, problems, vars);
 * those are checked with the template analyser and the schemas. The connections know nothing of
 * playbooks. The lab makes the hosts the runner is tested on, so it stands on none of the runner's code:
 * a bug in the runner cannot break the lab that tests it. Folders in one layer may not import each other.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["cli"],
  ["topology"],
  ["engine"],
  ["report"],
  ["playbook"],
  ["modules"],
  ["inventory"],
  ["source"],
  ["template", "connection"],
  ["schema"],
  [TOP, "lab"],
];

/** One relative import: the importing file (relative to src/), what it wrote, and the two folders. */
interface FolderImport {
  file: string;
  spec: string;
  from: string;
  to: string;
}

/** Every .ts file below `dir`. */
function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

/** The folder of src/ a path lies in (TOP for files directly in src/), or undefined outside src/. */
function folderOf(abs: string): string | undefined {
  const rel = path.relative(SRC, abs);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : TOP;
}

/** The relative imports of one file, found by TypeScript's own scanner (so comments and strings never count). */
function importsOf(abs: string): FolderImport[] {
  const text = fs.readFileSync(abs, "utf8");
  const specs = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  const file = path.relative(SRC, abs);
  return specs
    .filter((spec) => spec.startsWith("."))
    .map((spec) => ({
      file,
      spec,
      from: folderOf(abs)!,
      to: folderOf(path.resolve(path.dirname(abs), spec)) ?? "(outside src)",
    }));
}

/** Every relative import in src/ that crosses from one folder into another. */
function crossFolderImports(): FolderImport[] {
  return tsFiles(SRC)
    .flatMap(importsOf)
    .filter((i) => i.from !== i.to);
}

/** Layer numbers by folder, 0 the highest. */
function ranks(layers: readonly (readonly string[])[]): Map<string, number> {
  return new Map(layers.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
}

/** One message per import that goes to a folder not below its own (or to one the layers do not name). */
function layerViolations(imports: readonly FolderImport[], layers: readonly (readonly string[])[]): string[] {
  const rank = ranks(layers);
  const out: string[] = [];
  for (const i of imports) {
    const from = rank.get(i.from);
    const to = rank.get(i.to);
    if (from === undefined || to === undefined)
      out.push(`${i.file}: imports "${i.spec}", and ${from === undefined ? i.from : i.to} is in no layer`);
    else if (to <= from)
      out.push(`${i.file}: imports "${i.spec}", but ${i.to} is ${to < from ? "above" : "beside"} ${i.from}`);
  }
  return out;
}

/** The first import that makes each arrow from one folder to another. */
function arrows(imports: readonly FolderImport[]): Map<string, Map<string, FolderImport>> {
  const edges = new Map<string, Map<string, FolderImport>>();
  for (const i of imports) {
    const from = edges.get(i.from) ?? new Map<string, FolderImport>();
    if (!from.has(i.to)) from.set(i.to, i);
    edges.set(i.from, from);
  }
  return edges;
}

/** The cycles between folders found by a depth-first walk, each as "a -> b -> a (the imports that make it)". */
function folderCycles(imports: readonly FolderImport[]): string[] {
  const edges = arrows(imports);
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (folder: string, trail: string[]) => {
    for (const next of edges.get(folder)?.keys() ?? []) {
      const at = trail.indexOf(next);
      if (at >= 0) out.push(describeCycle([...trail.slice(at), next], edges));
      else if (!done.has(next)) visit(next, [...trail, next]);
    }
    done.add(folder);
  };
  for (const folder of edges.keys()) if (!done.has(folder)) visit(folder, [folder]);
  return out;
}

/** `cycle` (its first folder repeated at the end) with the import behind each of its arrows. */
function describeCycle(cycle: string[], edges: Map<string, Map<string, FolderImport>>): string {
  const vias = cycle.slice(0, -1).map((f, n) => {
    const i = edges.get(f)?.get(cycle[n + 1] ?? "");
    return `${i?.file} imports "${i?.spec}"`;
  });
  return `${cycle.join(" -> ")} (${vias.join("; ")})`;
}

test("every folder of src/ has a declared layer", () => {
  const declared = new Set(LAYERS.flat());
  const folders = new Set(tsFiles(SRC).map((f) => folderOf(f)!));
  assert.deepEqual([...folders].filter((f) => !declared.has(f)).sort(), []);
});

test("no folder of src/ imports a folder above it or beside it", () => {
  assert.deepEqual(layerViolations(crossFolderImports(), LAYERS), []);
});

test("no two folders of src/ import each other, directly or around a cycle", () => {
  assert.deepEqual(folderCycles(crossFolderImports()), []);
});

test("the checks name the file and the import that breaks the layers", () => {
  const imports = [
    { file: "inventory/load.ts", spec: "../playbook/problems.js", from: "inventory", to: "playbook" },
    { file: "playbook/load.ts", spec: "../inventory/load.js", from: "playbook", to: "inventory" },
    { file: "lab/x.ts", spec: "../../test/y.js", from: "lab", to: "(outside src)" },
  ];
  assert.deepEqual(layerViolations(imports, LAYERS), [
    'inventory/load.ts: imports "../playbook/problems.js", but playbook is above inventory',
    'lab/x.ts: imports "../../test/y.js", and (outside src) is in no layer',
  ]);
  assert.deepEqual(
    layerViolations(
      [{ file: "template/a.ts", spec: "../connection/b.js", from: "template", to: "connection" }],
      LAYERS,
    ),
    ['template/a.ts: imports "../connection/b.js", but connection is beside template'],
  );
  assert.deepEqual(folderCycles(imports), [
    'inventory -> playbook -> inventory (inventory/load.ts imports "../playbook/problems.js"; playbook/load.ts imports "../inventory/load.js")',
  ]);
});
