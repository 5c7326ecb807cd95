// `lineinfile`: one line present (placed by regexp, search_string, insertafter/insertbefore) or absent,
// as Ansible's; the text decision is the pure editLine, tested without a host.
import type { LineinfileArgs } from "./schema.js";
import { defineModule } from "../contract.js";
import { editLine } from "../support/line-edit.js";
import { planTextEdit } from "../support/text-file.js";

/** The `lineinfile` module. */
export default defineModule<LineinfileArgs>({
  name: "lineinfile",
  plan: (ctx, args) => planTextEdit(ctx, args, editLine),
});
