// `blockinfile`: a block of lines between marker lines, inserted, replaced or removed, as Ansible's; the
// text decision is the pure editBlock, tested without a host.
import type { BlockinfileArgs } from "./schema.js";
import { defineModule } from "../contract.js";
import { editBlock } from "../support/block-edit.js";
import { planTextEdit } from "../support/text-file.js";

/** The `blockinfile` module. */
export default defineModule<BlockinfileArgs>({
  name: "blockinfile",
  plan: (ctx, args) => planTextEdit(ctx, args, editBlock),
});
