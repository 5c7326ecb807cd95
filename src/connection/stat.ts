// `stat` as a fact: one command plus a pure parser, shared by the ssh and local connections.
import { cmd, type Command } from "./command.js";
import { saysAbsent } from "./file-scripts.js";
import type { RemoteStat, RunResult } from "./types.js";

const FORMAT = "%f|%u|%g|%U|%G|%s|%Y";

/** The command that describes a path (GNU stat, C locale so "No such file" is recognisable). */
export function statCommand(path: string): Command {
  return cmd`LC_ALL=C stat -c ${FORMAT} -- ${path}`;
}

/** The parse of a stat run: the description, null when absent, or an error message. */
export type StatParse =
  | { readonly ok: true; readonly stat: RemoteStat | null }
  | { readonly ok: false; readonly error: string };

/** Parses the output of statCommand(). */
export function parseStat(result: RunResult): StatParse {
  if (result.kind === "timeout") return { ok: false, error: `stat timed out after ${result.timeoutMs} ms` };
  if (result.exitCode !== 0) {
    if (saysAbsent(result.stderr)) return { ok: true, stat: null };
    return { ok: false, error: result.stderr.trim() || `stat exited with ${result.exitCode}` };
  }
  const fields = result.stdout.trim().split("|");
  if (fields.length !== 7) return { ok: false, error: `unexpected stat output: ${JSON.stringify(result.stdout)}` };
  const [rawMode, uid, gid, owner, group, size, mtime] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const modeBits = parseInt(rawMode, 16);
  return {
    ok: true,
    stat: {
      type: fileType(modeBits),
      mode: modeBits & 0o7777,
      uid: Number(uid),
      gid: Number(gid),
      owner,
      group,
      size: Number(size),
      mtime: Number(mtime),
    },
  };
}

function fileType(modeBits: number): RemoteStat["type"] {
  switch (modeBits & 0o170000) {
    case 0o100000:
      return "file";
    case 0o040000:
      return "directory";
    case 0o120000:
      return "symlink";
    default:
      return "other";
  }
}
