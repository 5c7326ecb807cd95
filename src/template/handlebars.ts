// Handlebars, loaded on first use rather than at start: a playbook without templates is checked and run
// without it, and `--help` never loads it.
import { createRequire } from "node:module";
import type HandlebarsLibrary from "handlebars";

let loaded: typeof HandlebarsLibrary | undefined;

/** The handlebars package (the same object `import Handlebars from "handlebars"` gives). */
export function handlebars(): typeof HandlebarsLibrary {
  loaded ??= createRequire(import.meta.url)("handlebars") as typeof HandlebarsLibrary;
  return loaded;
}
