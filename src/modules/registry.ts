// Which module implementations exist. Each module file registers itself here on import; the engine looks
// modules up by canonical name (the schema registry in src/schema resolves aliases and FQCNs).
import type { ModuleDefinition } from "./contract.js";

const modules = new Map<string, ModuleDefinition<never>>();

/** Register a module implementation under its canonical name; a second registration is a bug. */
export function defineModule<Args>(def: ModuleDefinition<Args>): ModuleDefinition<Args> {
  if (modules.has(def.name)) throw new Error(`module ${def.name} registered twice`);
  modules.set(def.name, def as ModuleDefinition<never>);
  return def;
}

/** The implementation of a module by canonical name, or undefined when only its schema exists. */
export function moduleImpl(name: string): ModuleDefinition<Record<string, unknown>> | undefined {
  return modules.get(name) as ModuleDefinition<Record<string, unknown>> | undefined;
}

/** Names of every implemented module. */
export function implementedModules(): string[] {
  return [...modules.keys()].sort();
}
