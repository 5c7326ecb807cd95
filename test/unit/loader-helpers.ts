// Test helpers: temporary project trees written from a map of files, and the fixtures' location.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../../src/errors.js";
import { loadPlan, type PlanResult } from "../../src/playbook/load.js";

/** The source folder of the YAML fixtures (tests run from dist/, fixtures stay in test/). */
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../test/unit/fixtures");

/** Writes files (path -> content) under a fresh temporary directory and returns it. */
export function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "gocd-bc-unit-"));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return root;
}

/** A minimal inventory with one host, for tests about playbooks. */
export const ONE_HOST = "all:\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n";

/** Loads `site.yml` of a tree written from `files` (with a one-host inventory unless given). */
export function loadTree(
  files: Record<string, string>,
  opts: { extraVars?: string[]; limit?: string } = {},
): PlanResult {
  const root = tree({ "hosts.yml": ONE_HOST, ...files });
  return loadPlan({
    playbook: path.join(root, "site.yml"),
    inventories: [path.join(root, "hosts.yml")],
    ...opts,
  });
}

/** The diagnostics of a failed load (fails the test if the load succeeded). */
export function errorsOf(result: PlanResult): Diagnostic[] {
  if (result.ok) throw new Error("expected the load to fail, but it succeeded");
  return result.diagnostics;
}

/** The single diagnostic whose message matches, or a failure listing them all. */
export function findError(list: readonly Diagnostic[], pattern: RegExp): Diagnostic {
  const hit = list.find((d) => pattern.test(d.message));
  if (!hit)
    throw new Error(
      `no diagnostic matches ${pattern}; got:\n${list.map((d) => `  ${d.file}:${d.line}:${d.col}: ${d.path}: ${d.message}`).join("\n")}`,
    );
  return hit;
}

/** Asserts a load succeeded and returns its plan, printing diagnostics otherwise. */
export function planOf(result: PlanResult): Extract<PlanResult, { ok: true }>["plan"] {
  if (!result.ok)
    throw new Error(
      `expected a valid plan; got:\n${result.diagnostics.map((d) => `  ${d.file}:${d.line}:${d.col}: ${d.path}: ${d.message}`).join("\n")}`,
    );
  return result.plan;
}
