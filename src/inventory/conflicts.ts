// A host written in two places of the inventory must not be given two different addresses, ports,
// users or keys: that is ambiguous, and connecting to the wrong machine is worse than stopping.
import type { SourceLoc } from "../errors.js";
import type { Problems } from "../source/problems.js";
import type { Vars } from "../source/vars-file.js";
import { CONNECTION_VARS } from "./connection.js";

const CHECKED = ["host", "port", "user", "connection", "privateKeyFile"] as const;

/** The first of `names` that `vars` sets (to anything but null), with its value. */
function firstSetValue(vars: Vars, names: readonly string[]): { name: string; value: unknown } | undefined {
  for (const name of names) if (vars[name] !== undefined && vars[name] !== null) return { name, value: vars[name] };
  return undefined;
}

function where(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** Reports each host whose definitions give a connection setting two different values. */
export function checkConnectionConflicts(
  hosts: Iterable<{ name: string; definitions: readonly { loc: SourceLoc; vars: Vars }[] }>,
  problems: Problems,
): void {
  for (const host of hosts) {
    if (host.definitions.length < 2) continue;
    for (const setting of CHECKED) {
      let first: { loc: SourceLoc; name: string; value: unknown } | undefined;
      for (const def of host.definitions) {
        const found = firstSetValue(def.vars, CONNECTION_VARS[setting]);
        if (!found) continue;
        if (!first) {
          first = { loc: def.loc, ...found };
        } else if (String(first.value) !== String(found.value)) {
          problems.error(
            def.loc,
            `hosts.${host.name}`,
            `host '${host.name}' is defined twice with conflicting connection variables: ` +
              `${found.name}=${String(found.value)} here, ${first.name}=${String(first.value)} at ${where(first.loc)}`,
          );
        }
      }
    }
  }
}
