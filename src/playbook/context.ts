// State shared while loading one playbook: problems found, where roles are searched, the chain of
// files and roles being loaded (to catch cycles), and what the current play has collected so far.
import path from "node:path";
import type { DocPath } from "../schema/ajv.js";
import { checkValue, formatPath, type SchemaIssue } from "../schema/ajv.js";
import type { RoleContext, Task } from "./plan.js";
import type { Problems } from "../source/problems.js";
import type { YamlFile } from "../source/yaml-file.js";

/** What the play being loaded has collected: its roles, its handlers, the roles already expanded. */
export interface PlayCollector {
  readonly roles: RoleContext[];
  readonly handlers: Task[];
  /** Role directory + parameters of each role expanded, to run each role once per play like Ansible. */
  readonly expanded: Set<string>;
}

/** Loader state for one playbook. */
export interface LoadContext {
  readonly problems: Problems;
  readonly playbookDir: string;
  /** Directories searched for roles, in order. */
  readonly roleSearch: readonly string[];
  /** Files being imported, outermost first (import cycles). */
  readonly fileStack: readonly string[];
  /** Role directories being loaded, outermost first (dependency cycles). */
  readonly roleStack: readonly string[];
  readonly play: PlayCollector;
}

/** Where a list of tasks is being read: its file, its document path, and its role if any. */
export interface TaskSource {
  readonly file: YamlFile;
  /** The path of the list in the file, e.g. `[0, 'tasks']`. */
  readonly base: DocPath;
  /** What the file's top level is called in messages: `plays`, `tasks`, `handlers`. */
  readonly root: string;
  readonly role?: RoleContext;
  /** Directories that relative include/import paths resolve against, in order. */
  readonly dirs: readonly string[];
}

/** The printable path of a node in a task source. */
export function pathOf(src: TaskSource, sub: DocPath): string {
  return formatPath([...src.base, ...sub], src.root);
}

/** Checks a node's keywords against `schema`, reporting every issue at the node; true when it is valid. */
export function keywordsValid(
  schema: object,
  value: unknown,
  src: TaskSource,
  at: DocPath,
  ctx: LoadContext,
  noun = "keyword",
): boolean {
  const before = ctx.problems.count;
  ctx.problems.addIssues(src.file, [...src.base, ...at], src.root, checkValue(schema, value, { noun }));
  return ctx.problems.count === before;
}

/** Checks a node's keywords against `schema`, reporting every issue at the node, and returns the node
 * without the values at fault, so the rest of it is still read and checked (an unknown keyword is one
 * problem, not a lost play). A bad item of a list keyword becomes `undefined`, which lists skip. */
export function keepValid(
  schema: object,
  raw: Record<string, unknown>,
  src: TaskSource,
  at: DocPath,
  ctx: LoadContext,
  noun = "keyword",
): Record<string, unknown> {
  const issues = checkValue(schema, raw, { noun });
  ctx.problems.addIssues(src.file, [...src.base, ...at], src.root, issues);
  return withoutFaults(raw, issues);
}

/** `raw` without every value the issues point at (see {@link keepValid}). */
export function withoutFaults(raw: Record<string, unknown>, issues: readonly SchemaIssue[]): Record<string, unknown> {
  let out = raw;
  for (const issue of issues) out = withoutFault(out, issue.path);
  return out;
}

/** `raw` without the value an issue points at: a keyword of a list item (a role entry's `when`), the
 * item of a list keyword, else the whole keyword. */
function withoutFault(raw: Record<string, unknown>, issuePath: DocPath): Record<string, unknown> {
  const [key, index, inner] = issuePath;
  if (key === undefined) return raw;
  const { [key]: value, ...rest } = raw;
  if (Array.isArray(value) && typeof index === "number") {
    return { ...rest, [key]: value.map((item, i) => (i === index ? withoutItemFault(item, inner) : item)) };
  }
  return rest;
}

function withoutItemFault(item: unknown, key: string | number | undefined): unknown {
  if (typeof key !== "string" || item === null || typeof item !== "object" || Array.isArray(item)) return undefined;
  const { [key]: _fault, ...rest } = item as Record<string, unknown>;
  return rest;
}

/** Reports `abs` as a cycle (with the chain of files) if it is already being loaded; true when it was. */
export function reportedCycle(
  abs: string,
  from: { src: TaskSource; at: DocPath } | undefined,
  ctx: LoadContext,
  what: string,
): boolean {
  if (!ctx.fileStack.includes(abs)) return false;
  const chain = [...ctx.fileStack.slice(ctx.fileStack.indexOf(abs)), abs].map(
    (f) => path.relative(ctx.playbookDir, f) || f,
  );
  const fromLoc = from ? from.src.file.locate([...from.src.base, ...from.at]) : undefined;
  ctx.problems.error(
    fromLoc ?? { file: abs, line: 1, col: 1 },
    from ? pathOf(from.src, from.at) : "",
    `cyclic ${what}: ${chain.join(" -> ")}`,
  );
  return true;
}
