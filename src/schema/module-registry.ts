// Which modules exist and what arguments each takes. The loader validates tasks against this registry;
// the executor's modules (src/modules/<name>.ts) import their schema from src/schema/modules and may
// register more. Ansible's FQCNs (`ansible.builtin.copy`, `ansible.posix.mount`) resolve to the short names.
import { checkValue, type SchemaIssue } from "./ajv.js";
import { qualifiedNames } from "./fqcn.js";
import { CORE_MODULES } from "./modules/index.js";

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
}

const specs = new Map<string, ModuleSchemaSpec>();
const nameIndex = new Map<string, string>();

/** Registers (or replaces) a module's argument schema under its name and aliases. */
export function registerModuleSchema(
  name: string,
  schema: object,
  opts: { freeForm?: boolean | string; aliases?: Record<string, string>; names?: string[] } = {},
): void {
  const freeForm = opts.freeForm === true ? "cmd" : opts.freeForm || undefined;
  const spec: ModuleSchemaSpec = { name, schema, freeForm, aliases: opts.aliases, names: opts.names };
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
  });
}
