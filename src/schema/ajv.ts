// Schema validation, and the translation of ajv's errors into the runner's wording:
// "found boolean true, expected string or integer", "unknown argument 'mod' (did you mean 'mode'?)".
// The build compiles the schemas gocd-bc ships ahead of time (src/modules/standalone.ts writes validators.cjs), so a
// run neither loads ajv's compiler nor generates code; any other schema (or one changed since the
// build) is compiled by the one ajv instance, made on first need.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { didYouMean } from "./suggest.js";

/** A path inside a document: mapping keys and list indexes. */
export type DocPath = readonly (string | number)[];

/** One schema violation, located by its path relative to the validated value. */
export interface SchemaIssue {
  readonly path: DocPath;
  readonly message: string;
}

/** Options for {@link checkValue}: how to call unknown keys, and whether `{{ }}` strings pass any type. */
export interface CheckOptions {
  /** The word for a key of the validated mappings: "argument", "keyword", "key". */
  readonly noun?: string;
  /** A string holding a template may stand for any type: it is checked again after rendering. */
  readonly allowTemplates?: boolean;
}

/** ajv's options, for the validators compiled at run time and for those the build compiles. */
export const AJV_OPTIONS = {
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  verbose: true,
} as const;

/** The build's output beside this module: each schema's JSON text by name, and its validator by the same name. */
export const PRECOMPILED_FILE = "validators.cjs";
/** Where the build writes the validators (src/modules/standalone.ts) and where checkValue reads them. */
export const PRECOMPILED_PATH = fileURLToPath(new URL(PRECOMPILED_FILE, import.meta.url));

/** What validators.cjs exports. */
export interface PrecompiledValidators {
  readonly schemaText: Readonly<Record<string, string>>;
  readonly [name: string]: unknown;
}

const require = createRequire(import.meta.url);
const compiled = new WeakMap<object, ValidateFunction>();
let ajv: Ajv | undefined;
let precompiled: Map<string, ValidateFunction> | undefined;

/** The build's validators by the JSON text of their schema; empty when the build wrote none. */
function precompiledValidators(): Map<string, ValidateFunction> {
  if (precompiled) return precompiled;
  precompiled = new Map();
  if (!existsSync(PRECOMPILED_PATH)) return precompiled;
  const file = require(PRECOMPILED_PATH) as PrecompiledValidators;
  for (const [name, text] of Object.entries(file.schemaText)) precompiled.set(text, file[name] as ValidateFunction);
  return precompiled;
}

/** The validator of a schema: the build's when it compiled this very schema, else compiled now. */
function validatorOf(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = precompiledValidators().get(JSON.stringify(schema));
    if (!validate) {
      ajv ??= new (require("ajv") as typeof import("ajv")).Ajv(AJV_OPTIONS);
      validate = ajv.compile(schema);
    }
    compiled.set(schema, validate);
  }
  return validate;
}

/** Validates a value against a schema; returns every issue found (empty when valid). */
export function checkValue(schema: object, value: unknown, opts: CheckOptions = {}): SchemaIssue[] {
  const validate = validatorOf(schema);
  if (validate(value)) return [];
  return describeErrors(validate.errors ?? [], opts);
}

/** True for a string that contains a Handlebars expression, i.e. is rendered before use. */
export function isTemplated(value: unknown): value is string {
  return typeof value === "string" && value.includes("{{");
}

function describeErrors(errors: readonly ErrorObject[], opts: CheckOptions): SchemaIssue[] {
  const unions = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  const kept = errors.filter((e) => !unions.some((u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`)));
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    if (opts.allowTemplates && isTemplated(e.data)) continue;
    if (e.keyword !== "propertyNames" && "propertyName" in e.params) continue;
    const issue = describeError(e, opts.noun ?? "key");
    const key = `${issue.path.join("\u0000")}\u0001${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function describeError(e: ErrorObject, noun: string): SchemaIssue {
  const path = pointerToPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": {
      const name = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      return { path: [...path, name], message: `unknown ${noun} '${name}'${didYouMean(name, known)}` };
    }
    case "propertyNames": {
      const name = String(params.propertyName);
      return {
        path: [...path, name],
        message: `invalid name '${name}': use letters, digits and _, not starting with a digit`,
      };
    }
    case "required":
      return { path, message: `missing required ${noun} '${String(params.missingProperty)}'` };
    case "type":
      return { path, message: `found ${describeValue(e.data)}, expected ${describeTypes(params.type)}` };
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v).replace(/"/g, "'"));
      const hint =
        typeof e.data === "string" ? didYouMean(e.data, (params.allowedValues as unknown[]).map(String)) : "";
      return {
        path,
        message: `found ${describeValue(e.data)}, expected one of ${allowed.join(", ")}${hint}`,
      };
    }
    case "pattern": {
      const said = (e.parentSchema as { description?: unknown } | undefined)?.description;
      const wanted = typeof said === "string" ? said : `a string matching ${String(params.pattern)}`;
      return { path, message: `found ${describeValue(e.data)}, expected ${wanted}` };
    }
    case "anyOf":
    case "oneOf":
      if (isRequiredChoice(e.schema)) {
        return { path, message: `missing required ${noun}: one of ${requiredChoices(e.schema)}` };
      }
      return { path, message: `found ${describeValue(e.data)}, expected ${describeSchema(e.schema)}` };
    default:
      return {
        path,
        message: `found ${describeValue(e.data)}, expected a value that ${e.message ?? "matches"}`,
      };
  }
}

/** Turns a JSON pointer (`/tasks/2/file`) into a path (`['tasks', 2, 'file']`). */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Renders a path as `root.key[2].other`, the way errors show it. */
export function formatPath(path: DocPath, root = ""): string {
  let out = root;
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

/** Describes a value for an error message: `boolean true`, `string 'abc'`, `a list`, `a mapping`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string": {
      const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
      return `string '${shown}'`;
    }
    case "number":
      return `${Number.isInteger(value) ? "integer" : "number"} ${value}`;
    case "boolean":
      return `boolean ${value}`;
    case "object":
      return "a mapping";
    default:
      return typeof value;
  }
}

const TYPE_WORDS: Record<string, string> = { object: "a mapping", array: "a list" };

function describeTypes(type: unknown): string {
  const list = Array.isArray(type) ? type : String(type).split(",");
  return list.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(" or ");
}

function describeSchema(schema: unknown): string {
  if (Array.isArray(schema)) return schema.map(describeSchema).join(" or ");
  if (typeof schema !== "object" || schema === null) return "a valid value";
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  if ("const" in s) return JSON.stringify(s.const);
  if (s.type === "array" && typeof s.items === "object") return `a list of ${describeSchema(s.items)}`;
  if (s.type !== undefined) return describeTypes(s.type);
  if (Array.isArray(s.anyOf)) return describeSchema(s.anyOf);
  return "a valid value";
}

function isRequiredChoice(schema: unknown): schema is { required: string[] }[] {
  return (
    Array.isArray(schema) &&
    schema.every((b) => typeof b === "object" && b !== null && Object.keys(b).join() === "required")
  );
}

function requiredChoices(branches: { required: string[] }[]): string {
  return branches.map((b) => b.required.map((r) => `'${r}'`).join(" and ")).join(", ");
}
