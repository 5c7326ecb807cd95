// The shared decision of every module that writes a whole file (copy, template, lineinfile, blockinfile):
// compare the wanted bytes and attributes with the host's, say why nothing is needed, or return the
// write (atomic put with mode/owner set before the rename) with a before/after diff.
import { createHash } from "node:crypto";
import path from "node:path";
import { cmd, raw } from "../../connection/command.js";
import type { RemoteStat } from "../../connection/types.js";
import { change, fail, ok } from "../contract.js";
import type { Change, HostReader, HostWriter, ModuleContext, ModuleData, Decision } from "../contract.js";
import { attrCommand, attrDrift, attrLines, describeDrift, resolveAttrs, type AttrArgs, type Attrs } from "./attrs.js";
import { mustRun } from "./exec.js";
import { backupFile } from "./remote.js";

/** What a file-writing module wants at `dest`. */
export interface WantedFile extends AttrArgs {
  readonly dest: string;
  readonly content: Buffer;
  /** The reason reported when the file is already right, e.g. "line already present". */
  readonly upToDate: string;
  readonly backup?: boolean;
  /** A command run on the new content before it replaces dest; `%s` is the temp file's path. */
  readonly validate?: string;
  /** Extra data to register (src, ...). */
  readonly data?: ModuleData;
}

/** The host's current file: its stat and bytes (null when absent). */
export interface CurrentFile {
  readonly stat: RemoteStat | null;
  readonly content: Buffer | null;
}

/** Reads dest's stat and content; fails when dest is a directory or (except in check mode) its directory is missing. */
export async function readCurrent(ctx: ModuleContext, dest: string): Promise<CurrentFile | { error: string }> {
  const stat = await ctx.stat(dest);
  if (stat?.type === "directory") return { error: `${dest} is a directory` };
  if (!stat) {
    // In check mode an earlier task may only have pretended to create the directory: report the file as
    // to be created (as Ansible's check mode does); a real run still fails when the directory is missing.
    if (!(await isDirectory(ctx, path.posix.dirname(dest)))) {
      return ctx.check
        ? { stat: null, content: null }
        : { error: `destination directory ${path.posix.dirname(dest)} does not exist` };
    }
    return { stat: null, content: null };
  }
  return { stat, content: await ctx.get(dest) };
}

/**
 * True when `dir` is a directory or a symlink to one (`/var/run -> /run`): the directories on the way to
 * a file are followed, as Ansible does; the file itself never is (its stat does not follow a link).
 */
export async function isDirectory(host: HostReader, dir: string): Promise<boolean> {
  const stat = await host.stat(`${dir.replace(/\/+$/, "")}/.`);
  return stat?.type === "directory";
}

/** The sha1 of content, as Ansible registers `checksum`. */
export function sha1(content: Buffer): string {
  return createHash("sha1").update(content).digest("hex");
}

/** Text for a diff: the content, or a one-line description when it is binary. */
export function diffText(content: Buffer | null): string {
  if (content === null) return "";
  const binary = content.includes(0) || !isUtf8(content);
  return binary ? `(binary file, ${content.length} bytes, sha1 ${sha1(content)})\n` : content.toString("utf8");
}

function isUtf8(content: Buffer): boolean {
  return Buffer.from(content.toString("utf8"), "utf8").equals(content);
}

/** Decides the write of `want` over `current` (read with readCurrent). */
export function planFile(want: WantedFile, current: CurrentFile): Decision {
  const resolved = resolveAttrs(want, current.stat, false);
  if ("error" in resolved) return fail(resolved.error);
  const attrs = resolved.attrs;
  const data = { dest: want.dest, checksum: sha1(want.content), size: want.content.length, ...want.data };
  const sameContent = current.content?.equals(want.content) === true;
  const drift = attrDrift(attrs, current.stat);
  if (sameContent && drift.length === 0) return ok(want.upToDate, data);
  const diff: Change[] = [];
  if (!sameContent) diff.push({ path: want.dest, before: diffText(current.content), after: diffText(want.content) });
  if (current.stat && drift.length) diff.push({ path: `${want.dest} (attributes)`, ...attrLines(attrs, current.stat) });
  const what = !current.stat
    ? `create ${want.dest}`
    : sameContent
      ? `set ${describeDrift(attrs, current.stat)} on ${want.dest}`
      : `update ${want.dest}`;
  const summary =
    !sameContent && current.stat && drift.length ? `${what} (${describeDrift(attrs, current.stat)})` : what;
  const apply = (host: HostWriter) => writeFile(host, want, attrs, current, sameContent);
  return change(summary, apply, diff, data);
}

async function writeFile(
  host: HostWriter,
  want: WantedFile,
  attrs: Attrs,
  current: CurrentFile,
  sameContent: boolean,
): Promise<ModuleData> {
  const backup = want.backup && current.stat ? await backupFile(host, want.dest) : undefined;
  if (sameContent) {
    const fix = attrCommand(want.dest, attrs);
    if (fix) await mustRun(host, fix, { what: `setting attributes of ${want.dest}` });
  } else {
    if (want.validate) await validate(host, want);
    await host.put(want.dest, want.content, { mode: attrs.mode, owner: attrs.owner, group: attrs.group });
  }
  return backup ? { backup_file: backup } : {};
}

async function validate(host: HostWriter, want: WantedFile): Promise<void> {
  const tmp = `${want.dest}.gocd-bc-validate.${process.pid}.${Date.now()}`;
  await host.put(tmp, want.content, { mode: 0o600 });
  const check = raw(want.validate!.split("%s").join(cmd`${tmp}`.toShell()));
  try {
    await mustRun(host, cmd`${check}`, { what: `validate (${want.validate})` });
  } finally {
    await host.run(cmd`rm -f -- ${tmp}`);
  }
}
