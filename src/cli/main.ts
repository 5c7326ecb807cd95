#!/usr/bin/env node
// The command line: parses arguments, calls one command, and is the only place that exits the process.
// Each command's module is imported by its action, when that command runs: `--help` and `validate` load
// neither the SSH, PostgreSQL and terminal libraries nor the lab.
import { Command, InvalidArgumentError } from "commander";
import { exitCodeOf } from "./exit-codes.js";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function increase(_: string, previous = 0): number {
  return previous + 1;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number");
  return n;
}

function labInit(value: string): "sshd" | "systemd" {
  if (value !== "sshd" && value !== "systemd") throw new InvalidArgumentError("expected sshd or systemd");
  return value;
}

/** The options every command that runs playbooks takes. */
function withRunOptions(command: Command): Command {
  return command
    .requiredOption("-i, --inventory <file>", "inventory file (repeatable)", collect)
    .option("-l, --limit <pattern>", "only these hosts or groups")
    .option("-e, --extra-vars <vars>", "k=v pairs, YAML/JSON, or @file (repeatable)", collect)
    .option("-f, --forks <n>", "hosts worked on at once (default 50)", wholeNumber)
    .option("--json", "JSON Lines events instead of the live view or plain lines")
    .option("-v, --verbose", "more output (repeat for more)", increase)
    .option("--trust-on-first-use", "accept and record unknown SSH host keys (labs only)");
}

/** The options of the commands that work on the whole pair at once (no --limit, no --forks). */
function withPairOptions(command: Command): Command {
  return command
    .requiredOption("-i, --inventory <file>", "inventory file (repeatable)", collect)
    .option("-e, --extra-vars <vars>", "k=v pairs, YAML/JSON, or @file (repeatable)", collect)
    .option("--json", "JSON Lines events instead of the live view or plain lines")
    .option("-v, --verbose", "more output (repeat for more)", increase)
    .option("--trust-on-first-use", "accept and record unknown SSH host keys (labs only)");
}

/** Build the program; each action resolves to an exit code. */
function program(setExit: (code: number) => void): Command {
  const cli = new Command("gocd-bc")
    .description("Active-standby business continuity for GoCD")
    .showHelpAfterError()
    .exitOverride();
  withRunOptions(
    cli
      .command("run")
      .description("run a playbook on the hosts of an inventory")
      .argument("<playbook>", "the playbook file"),
  )
    .option("-t, --tags <tags>", "only tasks with these tags (comma separated, repeatable)", collect)
    .option("--skip-tags <tags>", "skip tasks with these tags (comma separated, repeatable)", collect)
    .option("-C, --check", "show what would change without changing anything")
    .option("-D, --diff", "show the differences of changed files")
    .option("--force-handlers", "run notified handlers even on hosts that failed")
    .action(async (playbook: string, opts) => setExit(await (await import("./run.js")).runCommand(playbook, opts)));
  withRunOptions(
    cli
      .command("provision")
      .description("read which side is active from the hosts, then bring the pair to the full standby setup"),
  )
    .option("-C, --check", "show what would change without changing anything")
    .option("-D, --diff", "show the differences of changed files")
    .action(async (opts) => setExit(await (await import("./provision.js")).provisionCommand(opts)));
  withRunOptions(
    cli
      .command("drift")
      .description("provision in check+diff mode: list what drifted, change nothing (exit 3 when something did)"),
  ).action(async (opts) => setExit(await (await import("./provision.js")).driftCommand(opts)));
  // No --limit or --forks: a switchover works on the whole pair or not at all.
  withPairOptions(cli.command("switchover"))
    .description(
      "move GoCD and its database to the standby side, losing nothing (confirmed: the target's name typed, or --confirm)",
    )
    .requiredOption("--to <host>", "the GoCD server that becomes active (the current standby)")
    .option("--confirm <host>", "confirm without a terminal: must name the same host as --to")
    .option("--dry-run", "run the preflight and print the plan; change nothing")
    .option("--no-drain", "skip GoCD's maintenance mode (running jobs are then rescheduled)")
    .option("--drain-timeout <seconds>", "how long the drain waits for running jobs (default 300)", wholeNumber)
    .action(async (opts) => setExit(await (await import("./switchover.js")).switchoverCommand(opts)));
  // No --limit or --forks: a failover works on the whole pair, whatever of it answers.
  withPairOptions(cli.command("failover"))
    .description(
      "the active side is lost: fence what answers of it, promote the standby, start GoCD there (confirmed, loss shown first)",
    )
    .requiredOption("--to <host>", "the GoCD server that becomes active (the current standby)")
    .option("--confirm <host>", "confirm without a terminal: must name the same host as --to")
    .option("--dry-run", "show what is known, what may be lost and the plan; change nothing")
    .action(async (opts) => setExit(await (await import("./failover.js")).failoverCommand(opts)));
  // No --limit: the standby is rejoined with the whole pair provisioned after it.
  withPairOptions(cli.command("rejoin"))
    .description(
      "make the database host that is not the primary its streaming standby again (pg_rewind when it diverged)",
    )
    .option("--reclone <host>", "move the standby's data directory aside (never deleted) and clone it afresh")
    .action(async (opts) => setExit(await (await import("./rejoin.js")).rejoinCommand(opts)));
  cli
    .command("status")
    .description("the pair's health on one screen: active side, VIP, replication, share, config sync, agents")
    .requiredOption("-i, --inventory <file>", "inventory file (repeatable)", collect)
    .option("-e, --extra-vars <vars>", "k=v pairs, YAML/JSON, or @file (repeatable)", collect)
    .option("--json", "the same as one JSON object")
    .option("--trust-on-first-use", "accept and record unknown SSH host keys (labs only)")
    .action(async (opts) => setExit(await (await import("./status.js")).statusCommand(opts)));
  cli
    .command("validate")
    .description("check a playbook and its inventory without touching any host")
    .argument("<playbook>", "the playbook file")
    .requiredOption("-i, --inventory <file>", "inventory file (repeatable)", collect)
    .option("-e, --extra-vars <vars>", "k=v pairs, YAML/JSON, or @file (repeatable)", collect, [])
    .option("-l, --limit <pattern>", "only these hosts or groups")
    .action(async (playbook: string, opts) =>
      setExit(await (await import("./validate.js")).validateCommand(playbook, opts)),
    );
  const lab = cli
    .command("lab")
    .description("the embedded lab: real hosts in namespaces on this machine (Linux, root)");
  lab
    .command("up")
    .description("create the lab, or repair it; a running lab is left alone")
    .option("--hosts <n>", "extra plain hosts for benchmarks (bench001...)", wholeNumber)
    .option("--agents <n>", "GoCD agents in all: agent1, and agent2... beside it (default 1, or as now)", wholeNumber)
    .option("--init <init>", "what the core hosts run as PID 1: systemd (default) or sshd", labInit)
    .action(async (opts) => setExit(await (await import("./lab-command.js")).labUpCommand(opts)));
  lab
    .command("down")
    .description("remove every namespace, process, mount, bridge and file the lab made")
    .action(async () => setExit(await (await import("./lab-command.js")).labDownCommand()));
  const faults = [
    ["stop", "a clean shutdown: services stopped in order, then the host; its disk is kept"],
    ["crash", "a power cut: every process of the host killed at once; its disk is kept"],
    ["start", "boot stopped or crashed hosts from their disks; what they enabled starts"],
    ["reboot", "stop, then start"],
    ["partition", "cut the hosts off the network: they keep running, no packet reaches or leaves them"],
    ["heal", "reconnect partitioned hosts"],
  ] as const;
  for (const [action, what] of faults) {
    lab
      .command(`${action} <hosts...>`)
      .description(what)
      .action(async (hosts: string[]) =>
        setExit(await (await import("./lab-command.js")).labFaultCommand(action, hosts)),
      );
  }
  lab
    .command("snapshot [name]")
    .description(
      "save every host's disk as NAME (running hosts are stopped cleanly for it and booted again); without NAME, list the snapshots",
    )
    .action(async (name?: string) => setExit(await (await import("./lab-command.js")).labSnapshotCommand(name)));
  lab
    .command("restore <name>")
    .description(
      "bring every host back to snapshot NAME, running as it ran then (what the hosts hold now is discarded)",
    )
    .action(async (name: string) => setExit(await (await import("./lab-command.js")).labRestoreCommand(name)));
  lab
    .command("status")
    .description("each host, its address, and whether it answers over SSH")
    .option("--json", "machine-readable output")
    .action(async (opts) => setExit(await (await import("./lab-command.js")).labStatusCommand(opts)));
  return cli;
}

async function main(): Promise<void> {
  // `gocd-bc ... --json | head` closes our stdout early: that ends the output, it is not a crash.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
  });
  let code = 0;
  try {
    await program((c) => (code = c)).parseAsync(process.argv);
  } catch (err) {
    code = exitCodeOf(err);
  }
  process.exitCode = code;
}

void main();
