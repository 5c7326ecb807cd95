// mode/owner/group as file, copy, template, lineinfile and blockinfile share them: resolve what the task
// asks for against what the host has, say what differs as "mode: 0644" lines, and build the chmod/chown.
import { cmd, type Command } from "../../connection/command.js";
import type { RemoteStat } from "../../connection/types.js";
import { octal, resolveMode } from "./mode.js";

/** The attribute arguments as tasks write them. */
export interface AttrArgs {
  readonly mode?: string | number;
  readonly owner?: string;
  readonly group?: string;
}

/** Wanted attributes with the mode resolved to bits; unset fields are left as they are. */
export interface Attrs {
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
}

/** Resolves a symbolic mode against the current one (new paths start from 0644 / 0755). */
export function resolveAttrs(
  args: AttrArgs,
  current: RemoteStat | null,
  isDir: boolean,
): { attrs: Attrs } | { error: string } {
  if (args.mode === undefined) return { attrs: { owner: args.owner, group: args.group } };
  const mode = resolveMode(args.mode, current ? current.mode : null, isDir);
  if (typeof mode !== "number") return mode;
  return { attrs: { mode, owner: args.owner, group: args.group } };
}

function sameId(wanted: string, name: string, id: number): boolean {
  return wanted === name || wanted === String(id);
}

/** Which wanted attributes the path does not have yet (all of them when it does not exist). */
export function attrDrift(want: Attrs, current: RemoteStat | null): ("mode" | "owner" | "group")[] {
  const out: ("mode" | "owner" | "group")[] = [];
  const isLink = current?.type === "symlink";
  if (want.mode !== undefined && !isLink && (!current || current.mode !== want.mode)) out.push("mode");
  if (want.owner !== undefined && (!current || !sameId(want.owner, current.owner, current.uid))) out.push("owner");
  if (want.group !== undefined && (!current || !sameId(want.group, current.group, current.gid))) out.push("group");
  return out;
}

/** "mode: 0644\nowner: root\n" for the wanted fields: as they are now, and as they will be. */
export function attrLines(want: Attrs, current: RemoteStat | null): { before: string; after: string } {
  let before = "";
  let after = "";
  if (want.mode !== undefined && current?.type !== "symlink") {
    before += current ? `mode: ${octal(current.mode)}\n` : "";
    after += `mode: ${octal(want.mode)}\n`;
  }
  if (want.owner !== undefined) {
    before += current ? `owner: ${current.owner}\n` : "";
    after += `owner: ${want.owner}\n`;
  }
  if (want.group !== undefined) {
    before += current ? `group: ${current.group}\n` : "";
    after += `group: ${want.group}\n`;
  }
  return { before, after };
}

/** Human summary of drift: "mode 0644 -> 0600, owner root -> go". */
export function describeDrift(want: Attrs, current: RemoteStat | null): string {
  return attrDrift(want, current)
    .map((f) => {
      const now = current
        ? f === "mode"
          ? octal(current.mode)
          : f === "owner"
            ? current.owner
            : current.group
        : "(none)";
      const next = f === "mode" ? octal(want.mode ?? 0) : f === "owner" ? want.owner : want.group;
      return `${f} ${now} -> ${next}`;
    })
    .join(", ");
}

/** chmod/chown for the wanted attributes (recursively, or on a symlink itself); undefined when none. */
export function attrCommand(
  path: string,
  want: Attrs,
  opts: { recurse?: boolean; link?: boolean } = {},
): Command | undefined {
  const parts: Command[] = [];
  const flags = [...(opts.recurse ? ["-R"] : []), ...(opts.link ? ["-h"] : [])];
  const who =
    want.owner !== undefined || want.group !== undefined
      ? `${want.owner ?? ""}${want.group !== undefined ? `:${want.group}` : ""}`
      : undefined;
  if (who !== undefined) parts.push(cmd`chown ${flags} -- ${who} ${path}`);
  if (want.mode !== undefined && !opts.link)
    parts.push(cmd`chmod ${opts.recurse ? ["-R"] : []} -- ${octal(want.mode)} ${path}`);
  if (parts.length === 0) return undefined;
  return parts.reduce((a, b) => cmd`${a} && ${b}`);
}
