// `wait_for`: waits until a port on the target host opens or closes, a path appears or goes (optionally
// containing a pattern), or a URL answers with a status, checking from the target itself. It only
// observes, so it is never changed: ok with how long it took, or failed on timeout.
import type { WaitForArgs } from "./schema.js";
import { defineModule, fail, ok, type ModuleContext, type Decision } from "../contract.js";
import { httpProbe, pathProbe, portProbe, readHttp, succeeded } from "../support/probes.js";

type Probe = () => Promise<boolean | { error: string }>;

/** What is being waited for, as a probe and words for messages ("port 22", "open"). */
interface Target {
  readonly what: string;
  readonly done: string;
  readonly probe: Probe;
}

/** The `wait_for` module. */
export default defineModule<WaitForArgs>({
  name: "wait_for",
  async plan(ctx, args) {
    const target = targetOf(ctx, args);
    if (target !== null && "error" in target) return fail(target.error);
    const delay = args.delay ?? 0;
    if (delay > 0) await sleep(delay * 1000);
    if (target === null) {
      await sleep((args.timeout ?? 300) * 1000);
      return ok(`waited ${args.timeout ?? 300}s`, { elapsed: args.timeout ?? 300 });
    }
    return poll(target, args, Date.now() - delay * 1000);
  },
});

/** The probe for the task's port, path or url; null when it names none (then wait_for just sleeps). */
function targetOf(ctx: ModuleContext, args: WaitForArgs): Target | { error: string } | null {
  const state = args.state ?? "started";
  const negate = state === "stopped" || state === "absent" || state === "drained";
  const ct = args.connect_timeout ?? 5;
  const wanted = (yes: boolean) => (negate ? !yes : yes);
  if (args.port !== undefined) {
    if (args.search_regex !== undefined) return { error: "search_regex with port is not supported; use path or url" };
    const host = args.host ?? "127.0.0.1";
    const probe = async () => wanted(succeeded(await ctx.read(portProbe(host, args.port!, ct))));
    return {
      what: `port ${args.port}${host === "127.0.0.1" ? "" : ` on ${host}`}`,
      done: negate ? "closed" : "open",
      probe,
    };
  }
  if (args.path !== undefined) {
    const probe = async () => wanted(succeeded(await ctx.read(pathProbe(args.path!, args.search_regex))));
    const what = args.search_regex !== undefined ? `/${args.search_regex}/ in ${args.path}` : args.path;
    return { what, done: negate ? "absent" : "present", probe };
  }
  if (args.url !== undefined) {
    const codes =
      args.status_code === undefined ? [200] : Array.isArray(args.status_code) ? args.status_code : [args.status_code];
    const probe = async () => {
      const r = readHttp(await ctx.read(httpProbe(args.url!, ct)));
      return "error" in r ? r : wanted(codes.includes(r.status));
    };
    return {
      what: args.url,
      done: negate ? `not answering ${codes.join("/")}` : `answering ${codes.join("/")}`,
      probe,
    };
  }
  return null;
}

async function poll(target: Target, args: WaitForArgs, started: number): Promise<Decision> {
  const timeout = args.timeout ?? 300;
  const step = (args.sleep ?? 1) * 1000;
  for (;;) {
    const result = await target.probe();
    const elapsed = (Date.now() - started) / 1000;
    if (typeof result === "object") return fail(result.error);
    if (result)
      return ok(`${target.what} ${target.done} after ${elapsed.toFixed(1)}s`, {
        elapsed,
        state: args.state ?? "started",
      });
    if (elapsed + step / 1000 > timeout) {
      return fail(args.msg ?? `timeout after ${timeout}s waiting for ${target.what} to be ${target.done}`, { elapsed });
    }
    await sleep(step);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
