// Shell scripts for file transfer as another user: content travels on stdin, so no world-readable temp file.
import path from "node:path";
import { cmd, raw, type Command } from "./command.js";
import type { PutOptions } from "./types.js";

/** The suffix of temp files next to their target; `.NAME.gocd-bc.XXXXXX`. */
export const TEMP_MARK = ".gocd-bc.";

/** The temp path used next to `dest` (same directory, so the rename is atomic). */
export function tempPathFor(dest: string, unique: string): string {
  return path.posix.join(path.posix.dirname(dest), `.${path.posix.basename(dest)}${TEMP_MARK}${unique}`);
}

/** `chown` argument for owner and/or group, or undefined when neither is set. */
export function ownerSpec(opts: Pick<PutOptions, "owner" | "group">): string | undefined {
  if (opts.owner === undefined && opts.group === undefined) return undefined;
  return `${opts.owner ?? ""}${opts.group !== undefined ? `:${opts.group}` : ""}`;
}

/** Octal text for chmod, e.g. 0o640 -> "0640". */
export function modeText(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

/**
 * Atomic write reading the content from stdin: mktemp in the target directory, cat, mode and owner set
 * (unset ones copied from the file being replaced, or the umask default for a new file), then mv. The
 * temporary file must hold exactly `size` bytes first: a connection cut mid-transfer ends stdin early,
 * and a truncated file must never be renamed into place (the EXIT trap removes it instead).
 */
export function putFromStdinCommand(dest: string, opts: PutOptions, size: number): Command {
  const dir = path.posix.dirname(dest);
  const pattern = `${dir}/.${path.posix.basename(dest)}${TEMP_MARK}XXXXXX`;
  const mode = opts.mode !== undefined ? cmd`chmod -- ${modeText(opts.mode)} "$tmp"` : keepMode(dest);
  const owner = ownerSpec(opts);
  const chown = owner !== undefined ? cmd`chown -- ${owner} "$tmp"` : keepOwner(dest);
  return cmd`set -e; tmp=$(mktemp -- ${pattern}); trap 'rm -f "$tmp"' EXIT; cat > "$tmp"; [ "$(wc -c < "$tmp")" -eq ${String(size)} ]; ${mode}; ${chown}; mv -f -- "$tmp" ${dest}; trap - EXIT`;
}

function keepMode(dest: string): Command {
  return cmd`if [ -e ${dest} ]; then chmod --reference=${dest} "$tmp"; else chmod ${raw('"$(umask -S | tr -d x)"')} "$tmp"; fi`;
}

function keepOwner(dest: string): Command {
  return cmd`if [ -e ${dest} ]; then chown --reference=${dest} "$tmp" 2>/dev/null || true; fi`;
}

/** Reads a file to stdout; a missing file shows as "No such file or directory" on stderr (C locale). */
export function catCommand(remotePath: string): Command {
  return cmd`LC_ALL=C cat -- ${remotePath}`;
}

/** True when a failed cat/stat said the path does not exist. */
export function saysAbsent(stderr: string): boolean {
  return /No such file or directory|Not a directory/.test(stderr);
}
