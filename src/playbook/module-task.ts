// A task that runs a module: finds the one module key among the keywords (with "did you mean" for
// typos), reads its arguments in any of Ansible's forms, and validates them against the module schema.
import { describeValue, type DocPath } from "../schema/ajv.js";
import {
  canonicalArgs,
  canonicalModuleName,
  moduleNames,
  moduleSchema,
  validateModuleArgs,
} from "../modules/registry.js";
import { TASK_KEYWORDS, taskKeywordsSchema } from "../schema/playbook.js";
import { didYouMean } from "../schema/suggest.js";
import { keepValid, pathOf, type LoadContext, type TaskSource } from "./context.js";
import { baseOf, condList, loopOf, stringList } from "./keywords.js";
import { parseFreeForm, parseKeyValues } from "./kv.js";
import type { ModuleTask } from "./plan.js";
import type { Vars } from "../source/vars-file.js";

type Raw = Record<string, unknown>;

const UNSUPPORTED: Record<string, string> = {
  action: "'action:' is not supported; write the module as the key, e.g. `copy: {...}`",
  local_action: "'local_action:' is not supported; write the module as the key and add `delegate_to: localhost`",
  vars_prompt: "'vars_prompt' is not supported; pass values with -e",
};

/** Picks the module key out of a task; reports none, several, or unknown ones. */
function findModule(raw: Raw, src: TaskSource, at: DocPath, ctx: LoadContext): string | undefined {
  const others = Object.keys(raw).filter((k) => !TASK_KEYWORDS.has(k));
  const known = others.filter((k) => canonicalModuleName(k) !== undefined);
  const unknown = others.filter((k) => canonicalModuleName(k) === undefined);
  const where = (key?: string) => src.file.locate([...src.base, ...at, ...(key ? [key] : [])], { key: true });
  const path = pathOf(src, at);
  for (const key of unknown) {
    if (UNSUPPORTED[key]) ctx.problems.error(where(key), path, UNSUPPORTED[key]);
    else if (key.startsWith("with_")) ctx.problems.error(where(key), path, `'${key}' is not supported; use 'loop'`);
    else if (known.length > 0)
      ctx.problems.error(
        where(key),
        path,
        `unknown task keyword '${key}'${didYouMean(key, [...TASK_KEYWORDS, ...moduleNames()])}`,
      );
    else
      ctx.problems.error(
        where(key),
        path,
        `unknown module '${key}'${didYouMean(key, [...moduleNames(), ...TASK_KEYWORDS])}`,
      );
  }
  if (known.length > 1) {
    ctx.problems.error(
      where(known[1]),
      path,
      `task has ${known.length} module keys (${known.map((k) => `'${k}'`).join(", ")}); a task runs exactly one module`,
    );
    return undefined;
  }
  if (known.length === 0 && unknown.length === 0) {
    ctx.problems.error(
      where(),
      path,
      `task has no module: found only keywords (${Object.keys(raw).join(", ") || "none"})`,
    );
  }
  return known[0];
}

/** Reads a module's arguments: a mapping, `k=v` pairs, or a free-form string, plus `args:`. */
function readArgs(
  key: string,
  value: unknown,
  raw: Raw,
  src: TaskSource,
  at: DocPath,
  ctx: LoadContext,
): Vars | undefined {
  const spec = moduleSchema(key);
  if (!spec) return undefined;
  const where = () => src.file.locate([...src.base, ...at, key]);
  let args: Vars;
  if (value === null || value === undefined) {
    args = {};
  } else if (typeof value === "string") {
    const props = new Set(Object.keys((spec.schema as { properties?: object }).properties ?? {}));
    const kv = spec.freeForm ? parseFreeForm(value, spec.freeForm, props) : parseKeyValues(value);
    if (!kv) {
      ctx.problems.error(
        where(),
        pathOf(src, [...at, key]),
        `found ${describeValue(value)}, expected a mapping of arguments or key=value pairs`,
      );
      return undefined;
    }
    args = coerceStrings(kv, spec.schema);
  } else if (typeof value === "object" && !Array.isArray(value)) {
    args = value as Vars;
  } else {
    ctx.problems.error(
      where(),
      pathOf(src, [...at, key]),
      `found ${describeValue(value)}, expected a mapping of arguments`,
    );
    return undefined;
  }
  return canonicalArgs(spec, { ...((raw.args ?? {}) as Vars), ...args });
}

/** Parses a module task, recording its problems; a bad keyword is left out so the rest is still checked
 * (the load fails anyway). Undefined when there is no module or its arguments cannot be read. */
export function parseModuleTask(raw: Raw, src: TaskSource, at: DocPath, ctx: LoadContext): ModuleTask | undefined {
  const key = findModule(raw, src, at, ctx);
  const given: Raw = {};
  for (const [k, v] of Object.entries(raw)) if (TASK_KEYWORDS.has(k)) given[k] = v;
  const keywords = keepValid(taskKeywordsSchema, given, src, at, ctx);
  if (key === undefined) return undefined;
  const module = canonicalModuleName(key) ?? key;
  const args = readArgs(key, raw[key], raw, src, at, ctx);
  if (args === undefined) return undefined;
  const written = raw[key] && typeof raw[key] === "object" ? (raw[key] as Raw) : {};
  for (const issue of validateModuleArgs(module, args)) {
    const [first, ...rest] = issue.path;
    const original = typeof first === "string" && !(first in written) ? aliasFor(module, first, written) : first;
    const sub = original === undefined ? [] : [original, ...rest];
    const isKey = issue.message.startsWith("unknown ");
    const loc = src.file.locate([...src.base, ...at, key, ...sub], { key: isKey });
    ctx.problems.error(loc, pathOf(src, [...at, key, ...sub]), issue.message);
  }
  return {
    ...baseOf(keywords, src, at),
    kind: "module",
    module,
    moduleKey: key,
    args,
    loop: loopOf(keywords),
    register: keywords.register as string | undefined,
    notify: stringList(keywords.notify),
    listen: stringList(keywords.listen),
    changedWhen: keywords.changed_when === undefined ? undefined : condList(keywords.changed_when),
    failedWhen: keywords.failed_when === undefined ? undefined : condList(keywords.failed_when),
    until: keywords.until === undefined ? undefined : condList(keywords.until),
    retries: keywords.retries as number | string | undefined,
    delay: keywords.delay as number | string | undefined,
    timeout: keywords.timeout as number | string | undefined,
    delegateFacts: keywords.delegate_facts as boolean | undefined,
  };
}

function aliasFor(module: string, canonical: string, written: Raw): string {
  const aliases = moduleSchema(module)?.aliases ?? {};
  return Object.keys(written).find((k) => aliases[k] === canonical) ?? canonical;
}

/** `k=v` values are strings; like Ansible, turn them into the booleans and integers the schema asks for. */
function coerceStrings(args: Record<string, string>, schema: object): Vars {
  const props = (schema as { properties?: Record<string, { type?: string | string[] }> }).properties ?? {};
  const out: Vars = {};
  for (const [k, v] of Object.entries(args)) {
    const t = props[k]?.type;
    const types = t === undefined ? [] : Array.isArray(t) ? t : [t];
    if (types.includes("string") || v.includes("{{")) out[k] = v;
    else if (types.includes("boolean") && /^(yes|true|on|1)$/i.test(v)) out[k] = true;
    else if (types.includes("boolean") && /^(no|false|off|0)$/i.test(v)) out[k] = false;
    else if ((types.includes("integer") || types.includes("number")) && /^-?\d+(\.\d+)?$/.test(v)) out[k] = Number(v);
    else out[k] = v;
  }
  return out;
}
