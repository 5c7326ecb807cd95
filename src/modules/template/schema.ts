// Arguments of `template`: a Handlebars file from the role's templates/ rendered to `dest`.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, fileAttributes, str } from "../../schema/module-args.js";

/** The argument schema of `template`. */
export const templateArgs = {
  type: "object",
  additionalProperties: false,
  required: ["src", "dest"],
  properties: {
    src: str,
    dest: str,
    backup: bool,
    force: bool,
    validate: str,
    ...fileAttributes,
  },
} as const;
/** Typed arguments of `template`. */
export type TemplateArgs = Infer<typeof templateArgs>;
/** Registration of `template`. */
export const templateModule: ModuleSchemaSpec = { name: "template", schema: templateArgs };
