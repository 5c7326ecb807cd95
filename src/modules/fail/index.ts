// `fail`: fails the host with a message (usually under `when:`), as Ansible's.
import type { FailArgs } from "./schema.js";
import { defineModule, fail } from "../contract.js";

/** The `fail` module. */
export default defineModule<FailArgs>({
  name: "fail",
  async plan(_ctx, args) {
    const msg = args.msg ?? "Failed as requested from task";
    return fail(msg, { msg });
  },
});
