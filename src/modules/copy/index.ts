// `copy`: writes a controller file (`src`, found in the role's files/), a host file (`remote_src`) or
// inline `content` to `dest`, atomically, with mode/owner/group; compares bytes and attributes first.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { CopyArgs } from "./schema.js";
import { defineModule, fail, ok, type ModuleContext } from "../contract.js";
import { isDirectory, planFile, readCurrent } from "../support/write-file.js";

/** The `copy` module. */
export default defineModule<CopyArgs>({
  name: "copy",
  async plan(ctx, args) {
    const source = await sourceBytes(ctx, args);
    if ("error" in source) return fail(source.error);
    const dest = await destPath(ctx, args);
    const current = await readCurrent(ctx, dest);
    if ("error" in current) return fail(current.error);
    if (current.stat && args.force === false) return ok(`${dest} exists and force is false`, { dest });
    return planFile(
      { ...args, dest, content: source.content, upToDate: "content and attributes already match", data: source.data },
      current,
    );
  },
});

/** The bytes to write: inline content, a controller file, or a file on the host (remote_src). */
async function sourceBytes(
  ctx: ModuleContext,
  args: CopyArgs,
): Promise<{ content: Buffer; data: Record<string, string> } | { error: string }> {
  if (args.content !== undefined) return { content: Buffer.from(args.content, "utf8"), data: {} };
  const src = args.src ?? "";
  if (args.remote_src) {
    const bytes = await ctx.get(src);
    return bytes ? { content: bytes, data: { src } } : { error: `remote src ${src} does not exist on ${ctx.host}` };
  }
  const file = ctx.findFile("files", src);
  try {
    return { content: await readFile(file), data: { src: file } };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR")
      return {
        error: `src ${file} is a directory; copying directories is not supported (copy each file, or use a loop)`,
      };
    if (code === "ENOENT") return { error: `could not find src ${src} (looked at ${file})` };
    return { error: `cannot read src ${file}: ${(e as Error).message}` };
  }
}

/** dest, or dest/<basename of src> when dest is a directory (or a link to one) or ends in '/', as Ansible does. */
async function destPath(ctx: ModuleContext, args: CopyArgs): Promise<string> {
  if (args.src === undefined) return args.dest;
  if (args.dest.endsWith("/")) return path.posix.join(args.dest, path.posix.basename(args.src));
  return (await isDirectory(ctx, args.dest)) ? path.posix.join(args.dest, path.posix.basename(args.src)) : args.dest;
}
