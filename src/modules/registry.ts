// Which modules exist, what arguments each takes and where each is implemented, all derived from the
// folders: src/modules/<name>/ holds schema.ts (its arguments) and index.ts (its implementation), and
// index.ts beside this file lists the schemas. The loader validates tasks against the schemas without
// loading any implementation; the engine loads one (./<name>/index.js) when a task first runs it.
// Ansible's FQCNs (`ansible.builtin.copy`, `ansible.posix.mount`) resolve to the short names.
import { checkValue, type SchemaIssue } from "../schema/ajv.js";
import { qualifiedNames } from "../schema/fqcn.js";
import type { ModuleDefinition } from "./contract.js";
import { CORE_MODULES } from "./index.js";

/** How a module is registered: its name, its argument schema and how Ansible spells its arguments. */
export interface ModuleSchemaSpec {
  readonly name: string;
  readonly schema: object;
  /** The argument that receives a free-form string, e.g. `command: ls -l` fills `cmd`. */
  readonly freeForm?: string;
  /** Ansible's argument aliases: alias -> canonical argument name. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Other module names that mean this one (their prefixed forms, as Ansible spells them, are added). */
  readonly names?: readonly string[];
  /** The engine runs this module itself (`meta`, `include_vars`): its folder has a schema and no index.ts. */
  readonly engine?: boolean;
}

const specs = new Map<string, ModuleSchemaSpec>();
const nameIndex = new Map<string, string>();

/** Registers (or replaces) a module's argument schema under its name and aliases. */
export function registerModuleSchema(
  name: string,
  schema: object,
  opts: { freeForm?: boolean | string; aliases?: Record<string, string>; names?: string[]; engine?: boolean } = {},
): void {
  const freeForm = opts.freeForm === true ? "cmd" : opts.freeForm || undefined;
  const spec: ModuleSchemaSpec = {
    name,
    schema,
    freeForm,
    aliases: opts.aliases,
    names: opts.names,
    engine: opts.engine,
  };
  specs.set(name, spec);
  for (const short of [name, ...(opts.names ?? [])]) {
    for (const alias of [short, ...qualifiedNames(short), `ansible.builtin.${name}`, `ansible.legacy.${name}`]) {
      nameIndex.set(alias, name);
    }
  }
}

/** The canonical name of a module given any of its names, or undefined for an unknown module. */
export function canonicalModuleName(name: string): string | undefined {
  return nameIndex.get(name);
}

/** Every module name a task may use (canonical names only, for "did you mean" and docs). */
export function moduleNames(): string[] {
  return [...specs.keys()].sort();
}

/** The registration of a module by any of its names. */
export function moduleSchema(name: string): ModuleSchemaSpec | undefined {
  const canonical = nameIndex.get(name);
  return canonical === undefined ? undefined : specs.get(canonical);
}

/** Renames Ansible's argument aliases to canonical names (`dest` -> `path` for `file`). */
export function canonicalArgs(spec: ModuleSchemaSpec, args: Record<string, unknown>): Record<string, unknown> {
  if (!spec.aliases) return args;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    const canonical = spec.aliases[key];
    out[canonical !== undefined && !(canonical in args) ? canonical : key] = value;
  }
  return out;
}

/** Validates arguments (after alias renaming); unrendered `{{ }}` strings pass any type check. */
export function validateModuleArgs(name: string, args: unknown, opts: { rendered?: boolean } = {}): SchemaIssue[] {
  const spec = moduleSchema(name);
  if (!spec) return [{ path: [], message: `unknown module '${name}'` }];
  return checkValue(spec.schema, args, { noun: "argument", allowTemplates: !opts.rendered });
}

for (const spec of CORE_MODULES) {
  registerModuleSchema(spec.name, spec.schema, {
    freeForm: spec.freeForm,
    aliases: spec.aliases ? { ...spec.aliases } : undefined,
    names: spec.names ? [...spec.names] : undefined,
    engine: spec.engine,
  });
}

const loaded = new Map<string, Promise<ModuleDefinition<Record<string, unknown>> | undefined>>();

/** The implementation of a module by canonical name (the default export of its folder's index.ts), loaded
 * on first use; undefined for an unknown module or one the engine runs itself. */
export function moduleImpl(name: string): Promise<ModuleDefinition<Record<string, unknown>> | undefined> {
  const spec = specs.get(name);
  if (!spec || spec.engine) return Promise.resolve(undefined);
  let impl = loaded.get(name);
  if (!impl) {
    impl = import(`./${name}/index.js`).then((m: { default: ModuleDefinition<Record<string, unknown>> }) => m.default);
    loaded.set(name, impl);
  }
  return impl;
}

/** Names of every module with an implementation of its own (every one but those the engine runs). */
export function implementedModules(): string[] {
  return moduleNames().filter((name) => !specs.get(name)?.engine);
}
