// The runner's error family: a few flat classes, each with its exit code, sorted at the CLI boundary.
// Loading errors carry every diagnostic found (not just the first) so the user fixes them in one pass.

/** A position in a source file; line and col are 1-based, as editors show them. */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One problem found in the user's files: where, which path in the document, and what is wrong. */
export interface Diagnostic extends SourceLoc {
  /** The path inside the document, e.g. `plays[0].tasks[2].file.mode`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** Renders a diagnostic as `file:line:col: path: message`, the form editors and CI logs link to. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.col}`;
  return d.path ? `${where}: ${d.path}: ${d.message}` : `${where}: ${d.message}`;
}

/** Orders diagnostics by file, then line, then column, so output reads top to bottom. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

/** The base of every error the runner raises on purpose; anything else is a bug. */
export abstract class GocdError extends Error {
  abstract readonly exitCode: number;
}

/** An error made of diagnostics; its message lists all of them, one per line. */
abstract class DiagnosticError extends GocdError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(sortDiagnostics(diagnostics).map(formatDiagnostic).join("\n"));
    this.diagnostics = diagnostics;
  }
}

/** Files that cannot be read or parsed (malformed YAML, missing file); exit code 4 like ansible-playbook. */
export class ParseError extends DiagnosticError {
  readonly exitCode = 4;
  override readonly name = "ParseError";
}

/** Parsed files that break the language's rules (schema, unknown module, undefined variable); exit 4. */
export class ValidationError extends DiagnosticError {
  readonly exitCode = 4;
  override readonly name = "ValidationError";
}

/** A template that failed to render at run time (undefined variable, helper error); fails that task. */
export class TemplateError extends DiagnosticError {
  readonly exitCode = 4;
  override readonly name = "TemplateError";
}

/** Bad command-line options (e.g. a malformed `-e`); exit code 5 like ansible-playbook. */
export class OptionsError extends GocdError {
  readonly exitCode = 5;
  override readonly name = "OptionsError";
}
