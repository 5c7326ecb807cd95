// `lineinfile`: one line present (placed by regexp, search_string, insertafter/insertbefore) or absent,
// as Ansible's; the text decision is the pure editLine, tested without a host.
import type { LineinfileArgs } from "../schema/modules/lineinfile.js";
import { defineModule } from "./registry.js";
import { editLine } from "./support/line-edit.js";
import { planTextEdit } from "./support/text-file.js";

/** The `lineinfile` module. */
export const lineinfileModule = defineModule<LineinfileArgs>({
  name: "lineinfile",
  plan: (ctx, args) => planTextEdit(ctx, args, editLine),
});
