// The engine's wrapper around every module call: validates the rendered arguments,
// runs `plan` (with the read-only view of the host) and, in a real run, `apply` (with the writable one)
// under a timeout, turns a lost connection into `unreachable`, and reports anything that breaks the
// module contract as a module bug rather than a task failure.
import { isConnectionError, UnreachableError } from "../connection/errors.js";
import { checkValue } from "../schema/ajv.js";
import { moduleSchema, canonicalArgs, moduleImpl } from "../modules/registry.js";
import { isApplyFailed, type ModuleData, type Decision, type TaskHost, type TaskResult } from "../modules/contract.js";
import type { Redactor } from "../modules/support/mask.js";
import { hostWriter, planContext } from "./host-views.js";

/** How long one module call may take before the engine gives up on it. */
export const DEFAULT_MODULE_TIMEOUT_MS = 10 * 60_000;

class ModuleTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ModuleTimeout(`${what} did not finish within ${Math.round(ms / 1000)}s`)), ms);
    // A call abandoned by Ctrl-C never settles: its timer must not keep the process alive after the run.
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A decision that is not one of the four kinds is a bug in the module, not in the user's task. */
function isDecision(value: unknown): value is Decision {
  if (typeof value !== "object" || value === null) return false;
  const p = value as { kind?: unknown; apply?: unknown; reason?: unknown; summary?: unknown; error?: unknown };
  switch (p.kind) {
    case "ok":
    case "skip":
      return typeof p.reason === "string";
    case "change":
      return typeof p.summary === "string" && typeof p.apply === "function";
    case "fail":
      return typeof p.error === "string";
    default:
      return false;
  }
}

function failure(error: unknown, module: string, redact: Redactor): TaskResult {
  const mask = (s: string) => redact.known(s);
  if (error instanceof UnreachableError) return { status: "unreachable", error: mask(error.message), data: {} };
  if (isConnectionError(error) || error instanceof ModuleTimeout)
    return { status: "failed", error: mask(error.message), data: {} };
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    status: "failed",
    error: mask(`module ${module} raised an unexpected error (a bug in gocd-bc): ${detail}`),
    data: {},
  };
}

/** Run one module for one host: decide, and act unless `check`. Never throws; every outcome is a TaskResult. */
export async function invokeModule(
  module: string,
  rawArgs: Record<string, unknown>,
  ctx: TaskHost,
  opts: {
    timeoutMs?: number;
    /** false: mask only errors and diffs here, the rest is the caller's (the executor registers real values
     * and masks every event). */
    mask?: boolean;
  } = {},
): Promise<TaskResult> {
  const spec = moduleSchema(module);
  let impl: Awaited<ReturnType<typeof moduleImpl>>;
  try {
    impl = spec && (await moduleImpl(spec.name));
  } catch (error) {
    return failure(error, module, ctx.redact);
  }
  if (!spec || !impl) return { status: "failed", error: `module ${module} is not implemented`, data: {} };
  const args = canonicalArgs(spec, rawArgs);
  const issues = checkValue(spec.schema, args, { noun: "argument" });
  if (issues.length) {
    const text = issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
    return {
      status: "failed",
      error: ctx.redact.known(`invalid arguments for ${spec.name}: ${text}`),
      data: {},
    };
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_MODULE_TIMEOUT_MS;
  try {
    const plan: unknown = await withTimeout(impl.plan(planContext(ctx), args), timeoutMs, `${spec.name}`);
    if (!isDecision(plan)) {
      return {
        status: "failed",
        error: `module ${spec.name} broke the module contract (a bug in gocd-bc): plan returned ${JSON.stringify(plan)}`,
        data: {},
      };
    }
    // Secrets are masked here, once for every module (modules do not mask what they return); the executor
    // passes mask: false because it must register real values, and masks every event instead.
    const result = await settle(plan, ctx, spec.name, timeoutMs);
    return opts.mask === false ? result : ctx.redact.result(result);
  } catch (error) {
    const failed = failure(error, spec.name, ctx.redact);
    return opts.mask === false ? failed : ctx.redact.result(failed);
  }
}

async function settle(plan: Decision, ctx: TaskHost, name: string, timeoutMs: number): Promise<TaskResult> {
  const data: ModuleData = plan.data ?? {};
  switch (plan.kind) {
    case "ok":
      return { status: "ok", reason: plan.reason, data };
    case "skip":
      return { status: "skipped", reason: plan.reason, data };
    case "fail":
      return { status: "failed", error: ctx.redact.known(plan.error), data };
    case "change": {
      // Diffs are masked here, for every module: a registered diff keeps no path beside its text (a key
      // file's content could not be told from any other text once registered).
      const diff = (plan.diff ?? []).map((c) => ctx.redact.change(c));
      if (ctx.check) return { status: "changed", summary: plan.summary, diff, data };
      const applied = await withTimeout(plan.apply(hostWriter(ctx)), timeoutMs, `${name} (applying)`);
      if (isApplyFailed(applied)) return { status: "failed", error: applied.error, data: { ...data, ...applied.data } };
      return { status: "changed", summary: plan.summary, diff, data: { ...data, ...(applied ?? {}) } };
    }
  }
}
