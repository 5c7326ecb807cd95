#!/usr/bin/env node
// The command line: parses arguments, calls one command, and is the only place that exits the process.
import { Command, InvalidArgumentError } from "commander";
import { labDownCommand, labStatusCommand, labUpCommand } from "./lab-command.js";
import { exitCodeOf } from "./exit-codes.js";

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number");
  return n;
}

/** Build the program; each action resolves to an exit code. */
function program(setExit: (code: number) => void): Command {
  const cli = new Command("gocd-bc").description("Active-standby business continuity for GoCD").showHelpAfterError();
  const lab = cli.command("lab").description("the embedded lab: real hosts in namespaces on this machine (Linux, root)");
  lab.command("up").description("create the lab, or repair it; a running lab is left alone")
    .option("--hosts <n>", "extra plain hosts for benchmarks (bench001...)", wholeNumber)
    .action(async (opts) => setExit(await labUpCommand(opts)));
  lab.command("down").description("remove every namespace, process, mount, bridge and file the lab made")
    .action(async () => setExit(await labDownCommand()));
  lab.command("status").description("each host, its address, and whether it answers over SSH")
    .option("--json", "machine-readable output")
    .action(async (opts) => setExit(await labStatusCommand(opts)));
  return cli;
}

async function main(): Promise<void> {
  let code = 0;
  try {
    await program((c) => (code = c)).parseAsync(process.argv);
  } catch (err) {
    code = exitCodeOf(err);
  }
  process.exitCode = code;
}

void main();
