// The file module's `state: link` and `state: hard`: create or retarget a link, never silently replacing
// a real file or directory with one (force: true replaces a file or an empty directory).
import { cmd } from "../../connection/command.js";
import type { RemoteStat } from "../../connection/types.js";
import { change, fail, type ModuleContext, type Decision } from "../contract.js";
import { attrCommand, type Attrs } from "./attrs.js";
import { planAttrs, stateOf } from "./file-state.js";
import { mustRun } from "./exec.js";

/** What a link task asks for. */
export interface LinkWant {
  readonly path: string;
  readonly src: string;
  readonly hard: boolean;
  readonly force: boolean;
}

/** Plans a symbolic or hard link at `want.path` pointing at `want.src`. */
export async function planLink(
  ctx: ModuleContext,
  want: LinkWant,
  current: RemoteStat | null,
  attrs: Attrs,
): Promise<Decision> {
  const kind = want.hard ? "hard" : "link";
  if (want.hard && !(await ctx.stat(want.src)))
    return fail(`src ${want.src} does not exist (a hard link needs an existing file)`);
  const now = current ? await linkTarget(ctx, want, current) : undefined;
  if (now === want.src)
    return planAttrs(want.path, current!, attrs, `already a ${want.hard ? "hard link" : "link"} to ${want.src}`);
  if (current && current.type !== "symlink" && !want.hard && !want.force) {
    return fail(`refusing to replace ${stateOf(current)} ${want.path} with a link (set force: true to replace it)`);
  }
  if (current?.type === "directory") return fail(`${want.path} is a directory; remove it before making it a link`);
  if (want.hard && current && !want.force)
    return fail(`${want.path} exists and is not a hard link to ${want.src} (set force: true to replace it)`);
  const before = current ? `state: ${stateOf(current)}${now ? ` -> ${now}` : ""}\n` : "state: absent\n";
  const after = `state: ${kind} -> ${want.src}\n`;
  const fix = attrCommand(want.path, attrs, { link: !want.hard });
  const ln = want.hard ? cmd`ln -f -- ${want.src} ${want.path}` : cmd`ln -sfn -- ${want.src} ${want.path}`;
  return change(
    `${current ? "replace" : "create"} ${want.hard ? "hard link" : "link"} ${want.path} -> ${want.src}`,
    async (host) => {
      await mustRun(host, fix ? cmd`${ln} && ${fix}` : ln, { what: `linking ${want.path}` });
    },
    [{ path: want.path, before, after }],
    { path: want.path, state: kind, src: want.src },
  );
}

/** For a symlink: what it points to; for a hard link: src when both are the same inode. */
async function linkTarget(ctx: ModuleContext, want: LinkWant, current: RemoteStat): Promise<string | undefined> {
  if (!want.hard) {
    if (current.type !== "symlink") return undefined;
    const r = await ctx.read(cmd`readlink -- ${want.path}`);
    return r.kind === "exited" && r.exitCode === 0 ? r.stdout.replace(/\n$/, "") : undefined;
  }
  const r = await ctx.read(cmd`stat -c %d:%i -- ${want.src} ${want.path}`);
  if (r.kind !== "exited" || r.exitCode !== 0) return undefined;
  const [a, b] = r.stdout.trim().split("\n");
  return a === b ? want.src : undefined;
}
