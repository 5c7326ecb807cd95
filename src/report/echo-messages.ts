// The messages an operator must read whatever the reporter shows of a debug task (the plain one shows
// none): a command names its tasks, and their `msg` is printed on stderr as soon as it is known, between
// the reporter's own lines (the live view is held while it is printed).
import type { Reporter, RunEvent } from "./events.js";
import { ForwardingReporter } from "./forwarding.js";

/** Passes every event on and prints the `msg` of each task whose name matches `tasks`. */
export class EchoMessages extends ForwardingReporter {
  constructor(
    inner: Reporter,
    private readonly tasks: RegExp,
    private readonly print: (line: string) => void,
  ) {
    super(inner);
  }
  protected observe(e: RunEvent): void {
    const msg =
      e.type === "host_result" && this.tasks.test(e.task) && e.result.status === "ok" ? e.result.data.msg : undefined;
    if (typeof msg === "string") void this.hold(async () => this.print(msg));
  }
}
