// Arguments of `apt`: Debian packages present, absent or latest, and the apt cache.
import type { Infer } from "../../schema/infer.js";
import type { ModuleSchemaSpec } from "../registry.js";
import { bool, int, str, strOrList } from "../../schema/module-args.js";

/** The argument schema of `apt`. */
export const aptArgs = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: strOrList,
    state: { enum: ["present", "absent", "latest"] },
    update_cache: bool,
    cache_valid_time: int,
    install_recommends: bool,
    default_release: str,
    deb: str,
    autoremove: bool,
    purge: bool,
  },
} as const;
/** Typed arguments of `apt`. */
export type AptArgs = Infer<typeof aptArgs>;
/** Registration of `apt`. */
export const aptModule: ModuleSchemaSpec = {
  name: "apt",
  schema: aptArgs,
  aliases: { pkg: "name", package: "name" },
};
