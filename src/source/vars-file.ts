// Reads a file of variables (vars_files, role defaults/vars, group_vars, host_vars, -e @file):
// a YAML mapping whose keys are valid variable names.
import type { SourceLoc } from "../errors.js";
import { checkValue } from "../schema/ajv.js";
import { varsFileSchema } from "../schema/playbook.js";
import { connectionVarsSchema } from "../schema/inventory.js";
import type { Problems } from "./problems.js";
import { checkVarTemplates } from "./var-templates.js";
import { readYamlFile, type YamlFile } from "./yaml-file.js";

/** Variables by name. */
export type Vars = Record<string, unknown>;

/** Reads a vars file; problems go to `problems` and the result is undefined when it is unusable. */
export function loadVarsFile(
  abs: string,
  problems: Problems,
  from?: SourceLoc,
  what = "vars file",
): { vars: Vars; file: YamlFile } | undefined {
  const read = readYamlFile(abs, from, what);
  if (!read.ok) {
    problems.addAll(read.diagnostics);
    problems.varsIncomplete = true;
    return undefined;
  }
  const issues = checkValue(varsFileSchema, read.file.value, { noun: "variable" });
  if (issues.length > 0) {
    problems.addIssues(read.file, [], "", issues);
    problems.varsIncomplete = true;
    return undefined;
  }
  if (read.file.value)
    problems.addIssues(read.file, [], "", checkValue(connectionVarsSchema, read.file.value, { noun: "variable" }));
  checkVarTemplates(read.file.value, read.file, [], "", problems);
  return { vars: (read.file.value ?? {}) as Vars, file: read.file };
}
