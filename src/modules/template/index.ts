// `template`: renders a Handlebars file from the role's templates/ with the task's variables and writes
// it like copy (atomic, attributes, backup, validate); an undefined variable fails the task, naming it.
import { TemplateError } from "../../errors.js";
import type { TemplateArgs } from "./schema.js";
import { defineModule, fail, ok } from "../contract.js";
import { planFile, readCurrent } from "../support/write-file.js";

/** The `template` module. */
export default defineModule<TemplateArgs>({
  name: "template",
  async plan(ctx, args) {
    const file = ctx.findFile("templates", args.src);
    let text: string;
    try {
      text = await ctx.renderTemplateFile(file);
    } catch (e) {
      if (e instanceof TemplateError) return fail(e.message);
      if ((e as NodeJS.ErrnoException).code === "ENOENT")
        return fail(`could not find template ${args.src} (looked at ${file})`);
      throw e;
    }
    const current = await readCurrent(ctx, args.dest);
    if ("error" in current) return fail(current.error);
    if (current.stat && args.force === false) return ok(`${args.dest} exists and force is false`, { dest: args.dest });
    const content = Buffer.from(text, "utf8");
    return planFile(
      { ...args, content, upToDate: "content and attributes already match", data: { src: file } },
      current,
    );
  },
});
