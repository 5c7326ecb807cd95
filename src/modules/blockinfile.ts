// `blockinfile`: a block of lines between marker lines, inserted, replaced or removed, as Ansible's; the
// text decision is the pure editBlock, tested without a host.
import type { BlockinfileArgs } from "../schema/modules/blockinfile.js";
import { defineModule } from "./registry.js";
import { editBlock } from "./support/block-edit.js";
import { planTextEdit } from "./support/text-file.js";

/** The `blockinfile` module. */
export const blockinfileModule = defineModule<BlockinfileArgs>({
  name: "blockinfile",
  plan: (ctx, args) => planTextEdit(ctx, args, editBlock),
});
