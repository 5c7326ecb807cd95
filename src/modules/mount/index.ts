// `mount`: a filesystem in fstab (present), mounted as fstab says (mounted: a changed source means
// umount+mount, changed options a remount, FUSE always umount+mount), unmounted, absent (entry and mount
// point removed) or remounted (always acts). fstab is written atomically. For NFS the kernel's support
// is checked first, so a host without an NFS client fails with that reason instead of mount's own words.
import { cmd, type Command } from "../../connection/index.js";
import type { MountArgs } from "./schema.js";
import { defineModule, change, fail, ok } from "../contract.js";
import type { Change, HostWriter, ModuleContext, Decision } from "../contract.js";
import { probe, mustRun } from "../support/exec.js";
import {
  findFstabEntry,
  liveMountAt,
  missingFlags,
  setFstabEntry,
  type FstabEntry,
  type LiveMount,
} from "../support/fstab.js";

const DEFAULT_FSTAB = "/etc/fstab";

/** The fstab entry the arguments describe (`boot: false` adds noauto, as Ansible). */
export function wantedEntry(args: MountArgs): FstabEntry | string {
  if (!args.src || !args.fstype) return "`src` and `fstype` are required for state present/mounted";
  let opts = args.opts ?? "defaults";
  if (args.boot === false && !opts.split(",").includes("noauto")) opts = `${opts},noauto`;
  return {
    src: args.src,
    path: args.path,
    fstype: args.fstype,
    opts,
    dump: String(args.dump ?? 0),
    passno: String(args.passno ?? 0),
  };
}

/** Why this host cannot mount an NFS filesystem, or undefined when it can (or fstype is not NFS). */
async function nfsUnsupported(ctx: ModuleContext, fstype: string): Promise<string | undefined> {
  if (!/^nfs4?$/.test(fstype)) return undefined;
  const kernel = await probe(
    ctx,
    cmd`grep -qw -- ${fstype} /proc/filesystems || test -d /lib/modules/$(uname -r)/kernel/fs/nfs`,
  );
  if (kernel.exitCode !== 0) {
    return `this kernel has no NFS client support (${fstype} is not in /proc/filesystems and there is no nfs module to load)`;
  }
  const helper = await probe(ctx, cmd`test -x /sbin/mount.nfs || test -x /usr/sbin/mount.nfs`);
  return helper.exitCode === 0 ? undefined : "mount.nfs is missing (install nfs-common)";
}

interface Host {
  readonly fstab: string;
  readonly text: string;
  readonly live: LiveMount | undefined;
}

async function readHost(ctx: ModuleContext, args: MountArgs): Promise<Host> {
  const fstab = args.fstab ?? DEFAULT_FSTAB;
  const text = (await ctx.get(fstab))?.toString("utf8") ?? "";
  const mounts = (await ctx.get("/proc/self/mounts"))?.toString("utf8") ?? "";
  return { fstab, text, live: liveMountAt(mounts, args.path) };
}

function mountCmd(h: Host, path: string): Command {
  return h.fstab === DEFAULT_FSTAB ? cmd`mount -- ${path}` : cmd`mount -T ${h.fstab} -- ${path}`;
}

/** The commands that bring the live mount in line with `entry`, and why (empty: it already is). */
function liveSteps(h: Host, entry: FstabEntry, fstabMoved: boolean): { steps: Command[]; why: string } {
  const mount = mountCmd(h, entry.path);
  if (!h.live) return { steps: [cmd`mkdir -p -- ${entry.path}`, mount], why: `mount ${entry.src} on ${entry.path}` };
  const umountMount = [cmd`umount -- ${entry.path}`, mount];
  if (h.live.src !== entry.src || h.live.fstype !== entry.fstype)
    return { steps: umountMount, why: `remount ${entry.path} from ${entry.src} (now ${h.live.src})` };
  if (!fstabMoved && !missingFlags(entry.opts, h.live).length) return { steps: [], why: "" };
  const remount = entry.fstype.startsWith("fuse")
    ? umountMount
    : [cmd`mount -o remount -- ${entry.path} || { umount -- ${entry.path} && ${mount}; }`];
  return { steps: remount, why: `remount ${entry.path} with options ${entry.opts}` };
}

async function writeFstab(host: HostWriter, h: Host, after: string, backup: boolean): Promise<void> {
  if (backup) await mustRun(host, cmd`cp -p -- ${h.fstab} ${`${h.fstab}.${Date.now()}~`}`);
  await host.put(h.fstab, after);
}

async function planPresentOrMounted(ctx: ModuleContext, args: MountArgs, h: Host, mounted: boolean): Promise<Decision> {
  const entry = wantedEntry(args);
  if (typeof entry === "string") return fail(`mount ${args.path}: ${entry}`);
  const old = findFstabEntry(h.text, args.path);
  const after = setFstabEntry(h.text, args.path, entry);
  const fstabChanged = after !== h.text;
  const moved = old !== undefined && (old.src !== entry.src || old.fstype !== entry.fstype || old.opts !== entry.opts);
  const live = mounted ? liveSteps(h, entry, moved) : { steps: [], why: "" };
  if (!fstabChanged && !live.steps.length) {
    return ok(
      mounted
        ? `${args.path} is mounted from ${entry.src} as in ${h.fstab}`
        : `${h.fstab} has the entry for ${args.path}`,
      { fstab: h.fstab },
    );
  }
  if (live.steps.length) {
    const nfs = await nfsUnsupported(ctx, entry.fstype);
    if (nfs) return fail(`mount ${args.path}: cannot mount ${entry.fstype} ${entry.src}: ${nfs}`);
  }
  const diff: Change[] = fstabChanged ? [{ path: h.fstab, before: h.text, after }] : [];
  const summary = [fstabChanged ? `write the ${args.path} entry in ${h.fstab}` : "", live.why]
    .filter(Boolean)
    .join(", then ");
  return change(
    summary,
    async (host) => {
      if (fstabChanged) await writeFstab(host, h, after, args.backup === true);
      for (const step of live.steps) await mustRun(host, step, { timeoutMs: 120_000 });
    },
    diff,
    { fstab: h.fstab },
  );
}

function planAbsent(args: MountArgs, h: Host): Decision {
  const after = setFstabEntry(h.text, args.path, undefined);
  const inFstab = findFstabEntry(h.text, args.path) !== undefined;
  if (!inFstab && !h.live) return ok(`${args.path} is neither in ${h.fstab} nor mounted`, { fstab: h.fstab });
  const diff: Change[] = inFstab ? [{ path: h.fstab, before: h.text, after }] : [];
  const what = [h.live ? `unmount ${args.path}` : "", inFstab ? `remove its entry from ${h.fstab}` : ""]
    .filter(Boolean)
    .join(" and ");
  return change(
    what,
    async (host) => {
      if (h.live) await mustRun(host, cmd`umount -- ${args.path}`);
      if (inFstab) await writeFstab(host, h, after, args.backup === true);
      await host.run(cmd`rmdir -- ${args.path} 2>/dev/null`);
    },
    diff,
    { fstab: h.fstab },
  );
}

/** The `mount` module. */
export default defineModule<MountArgs>({
  name: "mount",
  async plan(ctx, args): Promise<Decision> {
    const h = await readHost(ctx, args);
    switch (args.state ?? "mounted") {
      case "present":
        return planPresentOrMounted(ctx, args, h, false);
      case "mounted":
        return planPresentOrMounted(ctx, args, h, true);
      case "absent":
        return planAbsent(args, h);
      case "unmounted":
        if (!h.live) return ok(`${args.path} is not mounted`, { fstab: h.fstab });
        return change(
          `unmount ${args.path}`,
          async (host) => void (await mustRun(host, cmd`umount -- ${args.path}`)),
          [],
          { fstab: h.fstab },
        );
      case "remounted": {
        if (!h.live) return fail(`mount ${args.path}: cannot remount, it is not mounted`);
        const opts = args.opts ? `remount,${args.opts}` : "remount";
        return change(
          `remount ${args.path}`,
          async (host) => void (await mustRun(host, cmd`mount -o ${opts} -- ${args.path}`)),
          [],
          { fstab: h.fstab },
        );
      }
    }
  },
});
