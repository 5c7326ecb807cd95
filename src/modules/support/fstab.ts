// fstab and /proc/mounts as data: pure parsers and editors used by `mount` (tested from captured text).
// Fields escape blanks as octal (\040), as fstab(5) and the kernel do.

/** One fstab line's fields, unescaped. */
export interface FstabEntry {
  readonly src: string;
  readonly path: string;
  readonly fstype: string;
  readonly opts: string;
  readonly dump: string;
  readonly passno: string;
}

/** A live mount from /proc/mounts; `opts` split on commas. */
export interface LiveMount {
  readonly src: string;
  readonly path: string;
  readonly fstype: string;
  readonly opts: readonly string[];
}

/** `\040` -> space etc. */
export function unescapeField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** space, tab, newline and backslash as octal escapes. */
export function escapeField(field: string): string {
  return field.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}

/** A non-comment fstab line as an entry; undefined for comments, blanks and malformed lines. */
export function parseFstabLine(line: string): FstabEntry | undefined {
  const t = line.trim();
  if (t === "" || t.startsWith("#")) return undefined;
  const f = t.split(/\s+/).map(unescapeField);
  if (f.length < 2) return undefined;
  return {
    src: f[0] as string,
    path: f[1] as string,
    fstype: f[2] ?? "auto",
    opts: f[3] ?? "defaults",
    dump: f[4] ?? "0",
    passno: f[5] ?? "0",
  };
}

/** The fstab line for an entry. */
export function formatFstabEntry(e: FstabEntry): string {
  return [e.src, e.path, e.fstype, e.opts, e.dump, e.passno].map(escapeField).join(" ");
}

/** The entry for mount point `path` (the last one wins, as mount(8) reads it), or undefined. */
export function findFstabEntry(text: string, path: string): FstabEntry | undefined {
  let found: FstabEntry | undefined;
  for (const line of text.split("\n")) {
    const e = parseFstabLine(line);
    if (e?.path === path) found = e;
  }
  return found;
}

/** The text with the entry for `entry.path` replaced in place (duplicates dropped), appended if new, or removed (entry undefined). */
export function setFstabEntry(text: string, path: string, entry: FstabEntry | undefined): string {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  const out: string[] = [];
  let placed = false;
  for (const line of lines) {
    if (parseFstabLine(line)?.path !== path) out.push(line);
    else if (!placed && entry) {
      out.push(formatFstabEntry(entry));
      placed = true;
    }
  }
  if (!placed && entry) out.push(formatFstabEntry(entry));
  return out.length ? `${out.join("\n")}\n` : "";
}

/** The mount on top at `path` in /proc/mounts text (the last line for it), or undefined. */
export function liveMountAt(procMounts: string, path: string): LiveMount | undefined {
  let found: LiveMount | undefined;
  for (const line of procMounts.split("\n")) {
    const f = line.trim().split(/\s+/).map(unescapeField);
    if (f.length >= 4 && f[1] === path)
      found = { src: f[0] as string, path, fstype: f[2] as string, opts: (f[3] as string).split(",") };
  }
  return found;
}

const VISIBLE_FLAGS = new Set([
  "ro",
  "rw",
  "nosuid",
  "nodev",
  "noexec",
  "sync",
  "noatime",
  "nodiratime",
  "relatime",
  "strictatime",
]);

/** Requested options the kernel shows for every filesystem (ro, noexec...) that the live mount lacks. */
export function missingFlags(requested: string, live: LiveMount): string[] {
  return requested.split(",").filter((o) => VISIBLE_FLAGS.has(o) && !live.opts.includes(o));
}
