// `user`: a local account present with the given uid, groups, home, shell and comment, or absent, through
// useradd/usermod/userdel. `password` is a crypt(3) hash as in Ansible; it is compared with /etc/shadow
// and never shown (diffs say only whether it changes).
import { cmd, secret, type Command } from "../../connection/index.js";
import type { UserArgs } from "./schema.js";
import { defineModule, change, ok, type ModuleContext, type Decision } from "../contract.js";
import { describeState, probe, mustRead, mustRun } from "../support/exec.js";

/** An account as the modules compare it. */
export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly group: string;
  readonly groups: readonly string[];
  readonly home: string;
  readonly shell: string;
  readonly comment: string;
  readonly passwordHash: string;
}

/** A passwd line `name:x:uid:gid:gecos:home:shell` as its fields; undefined when not one. */
export function parsePasswdLine(line: string) {
  const f = line.trim().split(":");
  if (f.length < 7 || !/^\d+$/.test(f[2] ?? "")) return undefined;
  return {
    name: f[0] as string,
    uid: Number(f[2]),
    gid: Number(f[3]),
    comment: f[4] as string,
    home: f[5] as string,
    shell: f[6] as string,
  };
}

async function lookupAccount(ctx: ModuleContext, name: string): Promise<Account | undefined> {
  const pw = await probe(ctx, cmd`getent passwd -- ${name}`);
  const entry = pw.exitCode === 0 ? parsePasswdLine(pw.stdout) : undefined;
  if (!entry) return undefined;
  const ids = await mustRead(ctx, cmd`id -gn -- ${name}; id -Gn -- ${name}; getent shadow -- ${name} | cut -d: -f2`);
  const [group = "", all = "", hash = ""] = ids.split("\n");
  return { ...entry, group, groups: all.split(" ").filter((g) => g && g !== group), passwordHash: hash };
}

function wantedGroups(args: UserArgs): string[] | undefined {
  if (args.groups === undefined) return undefined;
  const list = typeof args.groups === "string" ? args.groups.split(",") : args.groups;
  return list.map((g) => g.trim()).filter(Boolean);
}

/** usermod options for the differences between `now` and `args`, with before/after descriptions. */
export function accountChanges(
  now: Account,
  args: UserArgs,
): { opts: Command[]; before: Record<string, unknown>; after: Record<string, unknown> } {
  const opts: Command[] = [];
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const note = (field: string, was: unknown, will: unknown, opt: Command) => {
    before[field] = was;
    after[field] = will;
    opts.push(opt);
  };
  if (args.uid !== undefined && args.uid !== now.uid) note("uid", now.uid, args.uid, cmd`-u ${args.uid}`);
  if (args.group !== undefined && args.group !== now.group) note("group", now.group, args.group, cmd`-g ${args.group}`);
  if (args.home !== undefined && args.home !== now.home) note("home", now.home, args.home, cmd`-d ${args.home}`);
  if (args.shell !== undefined && args.shell !== now.shell) note("shell", now.shell, args.shell, cmd`-s ${args.shell}`);
  if (args.comment !== undefined && args.comment !== now.comment)
    note("comment", now.comment, args.comment, cmd`-c ${args.comment}`);
  if (args.password !== undefined && args.password !== now.passwordHash)
    note("password", "(hash)", "(new hash)", cmd`-p ${secret(args.password)}`);
  const groups = wantedGroups(args);
  if (groups !== undefined) {
    const target = args.append ? [...new Set([...now.groups, ...groups])] : groups;
    const same = target.length === now.groups.length && target.every((g) => now.groups.includes(g));
    if (!same)
      note(
        "groups",
        now.groups.join(",") || "(none)",
        target.join(",") || "(none)",
        args.append ? cmd`-a -G ${groups.join(",")}` : cmd`-G ${groups.join(",")}`,
      );
  }
  return { opts, before, after };
}

function addCommand(args: UserArgs): Command {
  const o: Command[] = [];
  if (args.uid !== undefined) o.push(cmd`-u ${args.uid}`);
  if (args.group !== undefined) o.push(cmd`-g ${args.group}`);
  const groups = wantedGroups(args);
  if (groups?.length) o.push(cmd`-G ${groups.join(",")}`);
  if (args.home !== undefined) o.push(cmd`-d ${args.home}`);
  if (args.shell !== undefined) o.push(cmd`-s ${args.shell}`);
  if (args.comment !== undefined) o.push(cmd`-c ${args.comment}`);
  if (args.password !== undefined) o.push(cmd`-p ${secret(args.password)}`);
  if (args.system) o.push(cmd`-r`);
  o.push(args.create_home === false ? cmd`-M` : cmd`-m`);
  return cmd`useradd ${o} -- ${args.name}`;
}

/** The `user` module. */
export default defineModule<UserArgs>({
  name: "user",
  async plan(ctx, args): Promise<Decision> {
    const now = await lookupAccount(ctx, args.name);
    const path = `user ${args.name}`;
    const data = { name: args.name, state: args.state ?? "present" };
    if (args.state === "absent") {
      if (!now) return ok(`user ${args.name} does not exist`, data);
      const del = cmd`userdel ${args.remove ? [cmd`-r`] : []} -- ${args.name}`;
      return change(
        `remove user ${args.name}`,
        async (host) => void (await mustRun(host, del)),
        [{ path, before: describeState({ user: args.name, uid: now.uid }), after: "" }],
        data,
      );
    }
    if (!now) {
      const shown = {
        user: args.name,
        uid: args.uid ?? "(next free)",
        group: args.group,
        groups: wantedGroups(args),
        home: args.home,
        shell: args.shell,
      };
      const add = addCommand(args);
      return change(
        `add user ${args.name}`,
        async (host) => void (await mustRun(host, add)),
        [{ path, before: "", after: describeState(shown) }],
        data,
      );
    }
    const diff = accountChanges(now, args);
    if (!diff.opts.length)
      return ok(`user ${args.name} exists as wanted (uid ${now.uid})`, { ...data, uid: now.uid, home: now.home });
    const mod = cmd`usermod ${diff.opts} -- ${args.name}`;
    const summary = `change ${Object.keys(diff.after).join(", ")} of user ${args.name}`;
    return change(
      summary,
      async (host) => void (await mustRun(host, mod)),
      [{ path, before: describeState(diff.before), after: describeState(diff.after) }],
      { ...data, uid: args.uid ?? now.uid },
    );
  },
});
