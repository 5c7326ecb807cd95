// Templates in variable values (vars files, role defaults and vars, group_vars, a play's vars) are
// rendered where a task uses them, with that task's variables, so which names they use is checked
// there; their syntax and the filters, tests and helpers they name are checked here, when loaded.
import { formatPath, type DocPath } from "../schema/ajv.js";
import { analyzeTemplate } from "../template/analyze.js";
import type { Problems } from "./problems.js";
import type { YamlFile } from "./yaml-file.js";

/** Reports every template in `value` (at `base` in `file`) that does not parse or names something unknown. */
export function checkVarTemplates(
  value: unknown,
  file: YamlFile,
  base: DocPath,
  root: string,
  problems: Problems,
): void {
  if (typeof value === "string") {
    if (!value.includes("{{")) return;
    const analysis = analyzeTemplate(value);
    const messages = analysis.ok ? analysis.problems : [analysis.message];
    for (const m of messages) problems.error(file.locate(base), formatPath(base, root), m);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkVarTemplates(v, file, [...base, i], root, problems));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) checkVarTemplates(v, file, [...base, k], root, problems);
  }
}
