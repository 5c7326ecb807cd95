// Collects every problem found while loading, so the user sees all of them in one run, not one a time.
import type { Diagnostic, SourceLoc } from "../errors.js";
import { formatPath, type DocPath, type SchemaIssue } from "../schema/ajv.js";
import type { YamlFile } from "./yaml-file.js";

/** Errors and warnings found so far; loaders add to it and carry on where they can. */
export class Problems {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  /** True once a source of variables (a vars file, role defaults) could not be read: a variable then
   * looks undefined only because of that, so undefined-variable checks would be noise. */
  varsIncomplete = false;

  /** Records an error at a source location. */
  error(at: SourceLoc, path: string, message: string): void {
    this.errors.push({ file: at.file, line: at.line, col: at.col, path, message });
  }

  /** Records a warning (shown, but does not make the input invalid). */
  warn(at: SourceLoc, path: string, message: string): void {
    this.warnings.push({ file: at.file, line: at.line, col: at.col, path, message });
  }

  /** Records diagnostics produced elsewhere (e.g. YAML parse errors). */
  addAll(list: readonly Diagnostic[]): void {
    this.errors.push(...list);
  }

  /** Records schema issues found in a file under `base`, located in that file; `root` names the base. */
  addIssues(file: YamlFile, base: DocPath, root: string, issues: readonly SchemaIssue[]): void {
    for (const issue of issues) {
      const full = [...base, ...issue.path];
      const isKey = issue.message.startsWith("unknown ") || issue.message.startsWith("invalid name");
      this.error(file.locate(full, { key: isKey }), formatPath(full, root), issue.message);
    }
  }

  /** Number of errors so far, to tell whether a step added any. */
  get count(): number {
    return this.errors.length;
  }
}
