// The loader hooks of module-recorder.ts: each ES module's URL, appended to the log as it is resolved.
import { appendFileSync } from "node:fs";
import type { InitializeHook, ResolveHook } from "node:module";

let log = "";

export const initialize: InitializeHook<{ log: string }> = (data) => {
  log = data.log;
};

export const resolve: ResolveHook = async (specifier, context, next) => {
  const resolved = await next(specifier, context);
  appendFileSync(log, `${resolved.url}\n`);
  return resolved;
};
