// `sysctl`: a kernel parameter in a sysctl file (default /etc/sysctl.conf, as Ansible) and, unless
// `reload: false`, in the running kernel. The live value is read from /proc/sys, never through sysctl(8),
// which takes `name=value` as a write even without -w, so check mode cannot change the kernel. It is set
// with `sysctl -w -- name=value` (the name as written, like the path it is read from) rather than
// `sysctl -p FILE`, so one bad line elsewhere in the file cannot fail this task; a live value that
// drifted from a correct file is corrected too (Ansible only does that with `sysctl_set`).
import { catCommand, cmd } from "../../connection/index.js";
import type { SysctlArgs } from "./schema.js";
import { defineModule, change, fail, ok, type Change, type Decision } from "../contract.js";
import { probe, mustRun } from "../support/exec.js";

/** `net/ipv4/x` and `net.ipv4.x` name the same key. */
export function normaliseKey(key: string): string {
  return key.trim().replace(/\//g, ".");
}

/** The /proc/sys file of a key: dots are separators unless the name is written with slashes, as sysctl(8) reads it. */
export function procPath(name: string): string {
  const rel = name.trim();
  return `/proc/sys/${rel.includes("/") ? rel : rel.replace(/\./g, "/")}`;
}

/** Values compare with whitespace collapsed (tcp_rmem "4096 87380 6291456") and booleans as 1/0. */
export function normaliseValue(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "1" : "0";
  const s = String(value).trim().replace(/\s+/g, " ");
  return /^(true|yes|on)$/i.test(s) ? "1" : /^(false|no|off)$/i.test(s) ? "0" : s;
}

function lineKey(line: string): string | undefined {
  const m = /^\s*-?([^#;=\s][^=]*?)\s*=/.exec(line);
  return m ? normaliseKey(m[1] as string) : undefined;
}

/** The value a sysctl file sets for `key` (the last assignment wins), or undefined. */
export function fileValue(text: string, key: string): string | undefined {
  let found: string | undefined;
  for (const line of text.split("\n")) {
    if (lineKey(line) === key) found = normaliseValue(line.slice(line.indexOf("=") + 1));
  }
  return found;
}

/** The file with `key` set to `value` (first assignment replaced, later ones dropped) or removed (value undefined). */
export function setFileValue(text: string, key: string, value: string | undefined): string {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  const out: string[] = [];
  let placed = false;
  for (const line of lines) {
    if (lineKey(line) !== key) out.push(line);
    else if (!placed && value !== undefined) {
      out.push(`${key}=${value}`);
      placed = true;
    }
  }
  if (!placed && value !== undefined) out.push(`${key}=${value}`);
  return out.length ? `${out.join("\n")}\n` : "";
}

/** The `sysctl` module. */
export default defineModule<SysctlArgs>({
  name: "sysctl",
  async plan(ctx, args): Promise<Decision> {
    const key = normaliseKey(args.name);
    const file = args.sysctl_file ?? "/etc/sysctl.conf";
    const absent = args.state === "absent";
    if (!absent && args.value === undefined) return fail(`sysctl ${key}: \`value\` is required with state=present`);
    const want = absent ? undefined : normaliseValue(args.value as string | number | boolean);
    const text = (await ctx.get(file))?.toString("utf8") ?? "";
    const newText = setFileValue(text, key, want);
    const fileChanged = fileValue(text, key) !== want;
    const live = await probe(ctx, catCommand(procPath(args.name)));
    if (live.exitCode !== 0 && !args.ignoreerrors)
      return fail(`sysctl ${key}: no such kernel parameter here (${live.stderr.trim()})`);
    const liveValue = live.exitCode === 0 ? normaliseValue(live.stdout) : undefined;
    const setLive = !absent && args.reload !== false && live.exitCode === 0 && liveValue !== want;
    const data = { name: key, value: want ?? null, sysctl_file: file };
    if (!fileChanged && !setLive) {
      return ok(
        absent
          ? `${key} is not set in ${file}`
          : `${key} is ${want} in ${file}${args.reload === false ? "" : " and in the kernel"}`,
        data,
      );
    }
    const diff: Change[] = [];
    if (fileChanged) diff.push({ path: file, before: text, after: newText });
    if (setLive) diff.push({ path: `kernel ${key}`, before: `${liveValue}\n`, after: `${want}\n` });
    const what = [
      fileChanged ? (absent ? `remove ${key} from ${file}` : `set ${key}=${want} in ${file}`) : "",
      setLive ? `set ${key}=${want} in the kernel` : "",
    ];
    return change(
      what.filter(Boolean).join(" and "),
      async (host) => {
        if (fileChanged) await host.put(file, newText);
        if (setLive) await mustRun(host, cmd`sysctl -w -- ${`${args.name.trim()}=${want}`}`);
      },
      diff,
      data,
    );
  },
});
