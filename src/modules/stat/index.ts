// `stat`: facts about a path for `register:` (exists, type, mode, owner, size, mtime, checksum), as
// Ansible's stat returns them; it only reads, so it is always ok.
import { cmd } from "../../connection/command.js";
import type { RemoteStat } from "../../connection/types.js";
import type { StatArgs } from "./schema.js";
import { defineModule, fail, ok, type ModuleContext } from "../contract.js";
import { octal } from "../support/mode.js";
import { commandFailure } from "../support/exec.js";

/** The registered `stat` mapping for a path that exists. */
export function statFacts(path: string, s: RemoteStat): Record<string, unknown> {
  return {
    exists: true,
    path,
    isdir: s.type === "directory",
    isreg: s.type === "file",
    islnk: s.type === "symlink",
    mode: octal(s.mode),
    uid: s.uid,
    gid: s.gid,
    pw_name: s.owner,
    gr_name: s.group,
    size: s.size,
    mtime: s.mtime,
  };
}

/** The `stat` module. */
export default defineModule<StatArgs>({
  name: "stat",
  async plan(ctx, args) {
    const target = args.follow ? await resolved(ctx, args.path) : args.path;
    const s = await ctx.stat(target);
    if (!s) return ok(`${args.path} does not exist`, { stat: { exists: false } });
    const facts = statFacts(args.path, s);
    if (s.type === "symlink") {
      const r = await ctx.read(cmd`readlink -- ${args.path}`);
      if (r.kind === "exited" && r.exitCode === 0) facts.lnk_target = r.stdout.replace(/\n$/, "");
    }
    if (s.type === "file" && args.get_checksum !== false) {
      const algorithm = args.checksum_algorithm ?? "sha1";
      const sum = cmd`${`${algorithm}sum`} -- ${target}`;
      const r = await ctx.read(sum);
      if (r.kind !== "exited" || r.exitCode !== 0)
        return fail(commandFailure(sum, r, ctx.redact, `cannot checksum ${target}`));
      facts.checksum = r.stdout.split(" ")[0];
    }
    return ok(`${args.path} is a ${s.type}`, { stat: facts });
  },
});

/** The path a symlink finally points to (the path itself when it is not a link or is dangling). */
async function resolved(ctx: ModuleContext, path: string): Promise<string> {
  const r = await ctx.read(cmd`readlink -e -- ${path}`);
  return r.kind === "exited" && r.exitCode === 0 && r.stdout.trim() ? r.stdout.replace(/\n$/, "") : path;
}
