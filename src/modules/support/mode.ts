// File modes as Ansible takes them: an octal string ('0644', '644'), a number (used as is, so YAML 1.1's
// 0644 works), or a symbolic chmod expression (u=rw,g=r,o=r; a+x; u+X) resolved against the current mode.

const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007 };

/** The permission bits `mode` means for a path whose current bits are `current` (null: new path). */
export function resolveMode(mode: string | number, current: number | null, isDir: boolean): number | { error: string } {
  if (typeof mode === "number") {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)
      return { error: `mode ${mode} is not a permission value (0 to 0o7777)` };
    return mode;
  }
  const text = mode.trim();
  if (/^0?[0-7]{3,4}$/.test(text) || /^0o[0-7]{1,4}$/.test(text)) return parseInt(text.replace(/^0o/, ""), 8);
  if (/^[ugoa]*[-+=]/.test(text)) return symbolic(text, current ?? (isDir ? 0o755 : 0o644), isDir);
  return { error: `mode '${mode}' is neither octal (e.g. '0644') nor symbolic (e.g. 'u=rw,g=r,o=r')` };
}

function symbolic(text: string, start: number, isDir: boolean): number | { error: string } {
  let bits = start;
  for (const clause of text.split(",")) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) return { error: `symbolic mode clause '${clause}' is not like u=rw or g+x` };
    const who = (m[1] || "a").replace("a", "ugo");
    const mask = [...who].reduce((acc, w) => acc | (WHO[w] ?? 0), 0);
    const perms = permBits(m[3] ?? "", bits, isDir) & mask;
    if (m[2] === "+") bits |= perms;
    else if (m[2] === "-") bits &= ~perms;
    else bits = (bits & ~(mask & 0o777) & ~specialOf(who)) | perms;
  }
  return bits;
}

function permBits(perms: string, current: number, isDir: boolean): number {
  let rwx = 0;
  let special = 0;
  for (const p of perms) {
    if (p === "r") rwx |= 4;
    else if (p === "w") rwx |= 2;
    else if (p === "x" || (p === "X" && (isDir || (current & 0o111) !== 0))) rwx |= 1;
    else if (p === "s") special |= 0o6000;
    else if (p === "t") special |= 0o1000;
  }
  return special | (rwx << 6) | (rwx << 3) | rwx;
}

function specialOf(who: string): number {
  return (who.includes("u") ? 0o4000 : 0) | (who.includes("g") ? 0o2000 : 0) | (who.includes("o") ? 0o1000 : 0);
}

/** Octal text as Ansible prints modes: '0644'. */
export function octal(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}
