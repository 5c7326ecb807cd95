// `group`: a local group present (with a gid) or absent, through groupadd/groupmod/groupdel.
import { cmd, type Command } from "../../connection/index.js";
import type { GroupArgs } from "./schema.js";
import { defineModule, change, ok, type HostReader, type Decision } from "../contract.js";
import { describeState, probe, mustRun } from "../support/exec.js";

/** A group database line `name:x:gid:members` as {name, gid, members}; undefined when not one. */
export function parseGroupLine(line: string): { name: string; gid: number; members: string[] } | undefined {
  const f = line.trim().split(":");
  if (f.length < 4 || f[0] === "" || !/^\d+$/.test(f[2] ?? "")) return undefined;
  return { name: f[0] as string, gid: Number(f[2]), members: (f[3] ?? "").split(",").filter(Boolean) };
}

/** The group as the host's name service knows it, or undefined. */
export async function lookupGroup(host: HostReader, name: string) {
  const r = await probe(host, cmd`getent group -- ${name}`);
  return r.exitCode === 0 ? parseGroupLine(r.stdout) : undefined;
}

/** The `group` module. */
export default defineModule<GroupArgs>({
  name: "group",
  async plan(ctx, args): Promise<Decision> {
    const now = await lookupGroup(ctx, args.name);
    const data = (gid?: number) => ({ name: args.name, gid: gid ?? null, state: args.state ?? "present" });
    if (args.state === "absent") {
      if (!now) return ok(`group ${args.name} does not exist`, data());
      return step(
        `remove group ${args.name}`,
        cmd`groupdel -- ${args.name}`,
        describeState({ group: now.name, gid: now.gid }),
        "",
        data(),
      );
    }
    if (!now) {
      const opts: Command[] = [];
      if (args.gid !== undefined) opts.push(cmd`-g ${args.gid}`);
      if (args.system) opts.push(cmd`-r`);
      const after = describeState({ group: args.name, gid: args.gid ?? "(next free)" });
      return step(`add group ${args.name}`, cmd`groupadd ${opts} -- ${args.name}`, "", after, data(args.gid), true);
    }
    if (args.gid !== undefined && args.gid !== now.gid) {
      const before = describeState({ group: now.name, gid: now.gid });
      return step(
        `change gid of ${args.name} to ${args.gid}`,
        cmd`groupmod -g ${args.gid} -- ${args.name}`,
        before,
        describeState({ group: now.name, gid: args.gid }),
        data(args.gid),
      );
    }
    return ok(`group ${args.name} exists with gid ${now.gid}`, data(now.gid));
  },
});

function step(
  summary: string,
  command: Command,
  before: string,
  after: string,
  data: Record<string, unknown>,
  readGid = false,
): Decision {
  return change(
    summary,
    async (host) => {
      await mustRun(host, command);
      if (readGid) return { gid: (await lookupGroup(host, String(data.name)))?.gid ?? null };
    },
    [{ path: `group ${String(data.name)}`, before, after }],
    data,
  );
}
