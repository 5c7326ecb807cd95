// Reads YAML the way Ansible does (YAML 1.1: `0644` is octal, yes/no are booleans; duplicate keys are
// errors) and keeps the source positions, so any later error can point at file:line:column.
import fs from "node:fs";
import path from "node:path";
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type ScalarTag,
  type Tags,
} from "yaml";
import type { Diagnostic, SourceLoc } from "../errors.js";
import type { DocPath } from "../schema/ajv.js";
import { shortKeyword } from "../schema/fqcn.js";
import { decodeUtf8 } from "./utf8.js";
import { checkDocument } from "./yaml-checks.js";

/** A byte order mark, which YAML allows at the start of a stream (and editors on Windows write). */
const BOM = "\uFEFF";

/** A parsed YAML file: its plain value and a way back from a path in it to a line and column. */
export interface YamlFile {
  /** The path shown in messages (relative to the working directory when inside it). */
  readonly file: string;
  /** The absolute path, for resolving files relative to this one. */
  readonly abs: string;
  readonly value: unknown;
  /** Where the node at `path` starts (its key when `key` is set); the nearest existing parent if absent. */
  locate(path: DocPath, opts?: { key?: boolean }): SourceLoc;
}

/** Result of reading a YAML file: the file, or the diagnostics that stopped it. */
export type YamlResult = { ok: true; file: YamlFile } | { ok: false; diagnostics: Diagnostic[] };

/** The path to show for a file: relative to the working directory when it is inside it. */
export function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : abs;
}

/** Reads and parses a YAML file; a missing file, bytes that are not UTF-8 or malformed YAML give located diagnostics. */
export function readYamlFile(abs: string, from?: SourceLoc, what = "file"): YamlResult {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(abs);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (err as Error).message;
    const at = from ?? { file: displayPath(abs), line: 1, col: 1 };
    return {
      ok: false,
      diagnostics: [{ ...at, path: "", message: `${what} '${displayPath(abs)}': ${reason}` }],
    };
  }
  const decoded = decodeUtf8(bytes, displayPath(abs));
  return decoded.ok ? parseYaml(decoded.text, abs) : { ok: false, diagnostics: [decoded.diagnostic] };
}

/**
 * The yaml library's options: YAML 1.1 with PyYAML's booleans. Its duplicate-key check is off because it
 * scans the whole map for every key (a 50 MB playbook took minutes); checkDocument does it in one pass.
 */
export const YAML_PARSE_OPTIONS = {
  version: "1.1",
  uniqueKeys: false,
  prettyErrors: true,
  customTags: pyyamlBooleans,
} as const;

/** Parses YAML text that came from `abs` (which need not exist: tests parse strings). */
export function parseYaml(text: string, abs: string): YamlResult {
  const file = displayPath(abs);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.startsWith(BOM) ? text.slice(1) : text, { ...YAML_PARSE_OPTIONS, lineCounter });
  if (doc.errors.length > 0) {
    const diagnostics = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
      return { file, line: pos.line, col: pos.col, path: "", message: yamlMessage(e.code, e.message) };
    });
    return { ok: false, diagnostics };
  }
  const problems = checkDocument(doc);
  if (problems.length > 0) {
    const diagnostics = problems.map((p) => ({ file, ...lineCounter.linePos(p.offset), path: "", message: p.message }));
    return { ok: false, diagnostics };
  }
  // checkDocument has bounded what aliases add, so the library's own (coarser) alias limit is not needed.
  const value: unknown = doc.toJS({ maxAliasCount: -1 });
  const locate = (p: DocPath, opts: { key?: boolean } = {}): SourceLoc => {
    const offset = offsetOf(doc, p, opts.key ?? false);
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, col: pos.col };
  };
  return { ok: true, file: { file, abs, value, locate } };
}

function yamlMessage(code: string, message: string): string {
  const text = message.replace(/ at line \d+, column \d+:[\s\S]*$/, "");
  if (code === "DUPLICATE_KEY") return "duplicate key: map keys must be unique";
  if (code === "TAB_AS_INDENT") return "tab used for indentation: YAML indents with spaces";
  return `malformed YAML: ${text}`;
}

function offsetOf(doc: Document, p: DocPath, key: boolean): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < p.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = p[i];
    if (isMap(node)) {
      const pair = node.items.find(
        (it) => isPair(it) && isScalar(it.key) && keyMatches(String(it.key.value), String(seg)),
      );
      if (!pair) return offset;
      const last = i === p.length - 1;
      const target: unknown = last && key ? pair.key : (pair.value ?? pair.key);
      offset = rangeStart(target) ?? rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
      node = node.items[seg];
      offset = rangeStart(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

/** A map key matches a path segment as written or, for a prefixed structural keyword, by its short form. */
function keyMatches(key: string, seg: string): boolean {
  return key === seg || shortKeyword(key) === seg;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

/** PyYAML's YAML 1.1 booleans: yes/no/on/off/true/false, but not y/n as the yaml package has them. */
function pyyamlBooleans(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== "object" || tag.tag !== "tag:yaml.org,2002:bool" || "collection" in tag) return tag;
    const scalar = tag as ScalarTag;
    const isTrue = scalar.identify?.(true) ?? false;
    const test = isTrue ? /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/ : /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
    return { ...scalar, test };
  });
}
