// Extra variables from the command line, as ansible-playbook takes them: `-e key=value ...`,
// `-e @file.yml`, or `-e '{"json": true}'`. They have the highest precedence.
import path from "node:path";
import type { SourceLoc } from "../errors.js";
import { firstNonPair, parseKeyValues } from "./kv.js";
import type { Problems } from "../source/problems.js";
import { loadVarsFile, type Vars } from "../source/vars-file.js";
import { parseYaml } from "../source/yaml-file.js";

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
    const parsed = trimmed.startsWith("{") ? mappingOf(trimmed) : keyValuesOf(value);
    if ("error" in parsed) {
      // The value itself is never shown: -e often carries a password.
      problems.error(COMMAND_LINE, where, `malformed extra vars (value not shown): ${parsed.error}`);
      return;
    }
    Object.assign(out, parsed.vars);
  });
  return out;
}

/** A `-e '{...}'` value: a JSON or YAML mapping; the error says where the parser stopped, never what it read. */
function mappingOf(text: string): { vars: Vars } | { error: string } {
  const parsed = parseYaml(text, "/command-line");
  if (!parsed.ok)
    return { error: `expected a JSON/YAML mapping; it does not parse (at column ${parsed.diagnostics[0]!.col})` };
  const value = parsed.file.value;
  if (value && typeof value === "object" && !Array.isArray(value)) return { vars: value as Vars };
  return { error: "expected a JSON/YAML mapping" };
}

/** A `-e 'k=v k2=v2'` value; the error says which word is not key=value, never what it is. */
function keyValuesOf(value: string): { vars: Vars } | { error: string } {
  const bad = firstNonPair(value);
  const kv = parseKeyValues(value);
  if (bad === undefined && kv && Object.keys(kv).length > 0) return { vars: kv };
  const which = bad === undefined ? "it is empty" : `word ${bad} is not key=value`;
  return { error: `expected key=value pairs, @file or a JSON/YAML mapping; ${which}` };
}
