// `file`: a path is a file, a directory, a link, a hard link, touched, or absent, with mode/owner/group,
// like Ansible's. Diffs are state lines ("state: file\nmode: 0644\n" -> "state: file\nmode: 0600\n").
import { cmd } from "../../connection/command.js";
import type { RemoteStat } from "../../connection/types.js";
import type { FileArgs } from "./schema.js";
import { defineModule, change, fail, ok, type ModuleContext, type Decision } from "../contract.js";
import { attrCommand, resolveAttrs, type Attrs } from "../support/attrs.js";
import { planLink } from "../support/file-link.js";
import { planAttrs, stateLines, stateOf } from "../support/file-state.js";
import { octal } from "../support/mode.js";
import { mustRun } from "../support/exec.js";

/** The `file` module. */
export default defineModule<FileArgs>({
  name: "file",
  async plan(ctx, args) {
    const current = await ctx.stat(args.path);
    const state = args.state ?? defaultState(current, args);
    if (state === "absent") return planAbsent(args.path, current);
    const resolved = resolveAttrs(args, current, state === "directory");
    if ("error" in resolved) return fail(resolved.error);
    const want = resolved.attrs;
    switch (state) {
      case "directory":
        return planDirectory(ctx, args, current, want);
      case "file":
        return planExisting(args.path, current, want);
      case "touch":
        return planTouch(args.path, current, want);
      case "link":
      case "hard":
        if (args.src === undefined) return fail(`state ${state} needs src (the path the link points to)`);
        return planLink(
          ctx,
          { path: args.path, src: args.src, hard: state === "hard", force: args.force ?? false },
          current,
          want,
        );
    }
  },
});

/** Ansible's default: the path's current kind, a directory with recurse, else a file. */
function defaultState(current: RemoteStat | null, args: FileArgs): NonNullable<FileArgs["state"]> {
  if (args.recurse) return "directory";
  if (current?.type === "directory") return "directory";
  if (current?.type === "symlink") return "link";
  return "file";
}

function planAbsent(path: string, current: RemoteStat | null): Decision {
  if (!current) return ok("already absent", { path, state: "absent" });
  const diff = [{ path, before: `state: ${stateOf(current)}\n`, after: "state: absent\n" }];
  return change(
    `remove ${stateOf(current)} ${path}`,
    async (host) => {
      await mustRun(host, cmd`rm -rf -- ${path}`, { what: `removing ${path}` });
    },
    diff,
    { path, state: "absent" },
  );
}

function planExisting(path: string, current: RemoteStat | null, want: Attrs): Decision {
  if (!current)
    return fail(
      `file ${path} is absent, cannot continue (state: file does not create files; use state: touch, copy or template)`,
    );
  if (current.type === "directory") return fail(`${path} is a directory, not a file`);
  return planAttrs(path, current, want, `already a ${stateOf(current)}`);
}

function planTouch(path: string, current: RemoteStat | null, want: Attrs): Decision {
  const before = current ? stateLines(stateOf(current), want, current, "before") : "state: absent\n";
  const after = stateLines(current ? stateOf(current) : "file", want, current, "after").replace(/\n/, " (touched)\n");
  const fix = attrCommand(path, want);
  return change(
    `touch ${path}`,
    async (host) => {
      await mustRun(host, fix ? cmd`touch -- ${path} && ${fix}` : cmd`touch -- ${path}`, { what: `touching ${path}` });
    },
    [{ path, before, after }],
    { path, state: "file" },
  );
}

async function planDirectory(
  ctx: ModuleContext,
  args: FileArgs,
  current: RemoteStat | null,
  want: Attrs,
): Promise<Decision> {
  const path = args.path;
  if (current && current.type !== "directory")
    return fail(`${path} exists and is a ${stateOf(current)}, not a directory`);
  if (current) {
    const inside = args.recurse ? await recursiveDrift(ctx, path, want) : undefined;
    if (typeof inside === "object") return fail(inside.error);
    return planAttrs(path, current, want, "already a directory", inside);
  }
  const fix = attrCommand(path, want, { recurse: false });
  const diff = [{ path, before: "state: absent\n", after: stateLines("directory", want, null, "after") }];
  return change(
    `create directory ${path}`,
    async (host) => {
      await mustRun(host, fix ? cmd`mkdir -p -- ${path} && ${fix}` : cmd`mkdir -p -- ${path}`, {
        what: `creating ${path}`,
      });
    },
    diff,
    { path, state: "directory" },
  );
}

/** With recurse: a description when something below the directory has other attributes, else undefined. */
async function recursiveDrift(
  ctx: ModuleContext,
  path: string,
  want: Attrs,
): Promise<string | undefined | { error: string }> {
  const tests: string[] = [];
  if (want.mode !== undefined) tests.push("!", "-perm", octal(want.mode));
  if (want.owner !== undefined) tests.push(...(tests.length ? ["-o"] : []), "!", "-user", want.owner);
  if (want.group !== undefined) tests.push(...(tests.length ? ["-o"] : []), "!", "-group", want.group);
  if (tests.length === 0) return undefined;
  const r = await ctx.read(cmd`find ${path} -mindepth 1 \\( ${tests} \\) -print -quit`);
  if (r.kind !== "exited" || r.exitCode !== 0)
    return { error: `cannot inspect ${path} recursively: ${r.stderr.trim()}` };
  const first = r.stdout.trim();
  return first ? `attributes recursively (e.g. ${first} differs)` : undefined;
}
