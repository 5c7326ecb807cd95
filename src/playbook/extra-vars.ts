// Extra variables from the command line, as ansible-playbook takes them: `-e key=value ...`,
// `-e @file.yml`, or `-e '{"json": true}'`. They have the highest precedence.
import path from "node:path";
import YAML from "yaml";
import type { SourceLoc } from "../errors.js";
import { parseKeyValues } from "./kv.js";
import type { Problems } from "./problems.js";
import { loadVarsFile, type Vars } from "./vars-file.js";

const COMMAND_LINE: SourceLoc = { file: "<command line>", line: 1, col: 1 };

/** Parses every `-e` value in order (later ones win); problems are recorded, not thrown. */
export function parseExtraVars(values: readonly string[], problems: Problems): Vars {
  const out: Vars = {};
  values.forEach((value, i) => {
    const where = `-e[${i}]`;
    if (value.startsWith("@")) {
      const loaded = loadVarsFile(path.resolve(value.slice(1)), problems, COMMAND_LINE, "extra vars file");
      if (loaded) Object.assign(out, loaded.vars);
      return;
    }
    const trimmed = value.trim();
    if (trimmed.startsWith("{")) {
      try {
        const parsed: unknown = YAML.parse(trimmed);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
          Object.assign(out, parsed);
          return;
        }
      } catch {
        // reported below
      }
      problems.error(COMMAND_LINE, where, `malformed extra vars '${value}': expected a JSON/YAML mapping`);
      return;
    }
    const kv = parseKeyValues(value);
    if (!kv || Object.keys(kv).length === 0) {
      problems.error(
        COMMAND_LINE,
        where,
        `malformed extra vars '${value}': expected key=value, @file or a JSON mapping`,
      );
      return;
    }
    Object.assign(out, kv);
  });
  return out;
}
