// `fail`: fails the host with a message (usually under `when:`), as Ansible's.
import type { FailArgs } from "../schema/modules/fail.js";
import { fail } from "./contract.js";
import { defineModule } from "./registry.js";

/** The `fail` module. */
export const failModule = defineModule<FailArgs>({
  name: "fail",
  async plan(_ctx, args) {
    const msg = args.msg ?? "Failed as requested from task";
    return fail(msg, { msg });
  },
});
