// `node --import ./module-recorder.js ...`: records every module the process loads into the file named by
// GOCD_BC_MODULE_LOG, one path or URL a line: ES modules as they are resolved (by the hooks in
// module-recorder-hooks.ts, which run on the loader's thread) and CommonJS modules as they sit in require's
// cache when the process exits. For tests about what a command loads, without timing anything.
import { appendFileSync, writeFileSync } from "node:fs";
import { createRequire, register } from "node:module";

const log = process.env.GOCD_BC_MODULE_LOG;
if (log) {
  writeFileSync(log, "");
  register(new URL("./module-recorder-hooks.js", import.meta.url), { data: { log } });
  const require = createRequire(import.meta.url);
  process.on("exit", () =>
    appendFileSync(
      log,
      Object.keys(require.cache)
        .map((file) => `${file}\n`)
        .join(""),
    ),
  );
}
