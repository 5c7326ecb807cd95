// `gocd-bc validate PLAYBOOK -i INVENTORY`: loads and checks everything a run would, touches no host.
// Exit code 0 when valid, 4 on any error (like ansible-playbook's parse errors), every error printed.
import { formatDiagnostic, sortDiagnostics } from "../errors.js";
import { loadPlan } from "../playbook/load.js";
import type { Task } from "../playbook/plan.js";

/** Options of `validate`, as the CLI parses them. */
export interface ValidateOptions {
  readonly inventory: string[];
  readonly extraVars: string[];
  readonly limit?: string;
  readonly rolesPath?: string[];
}

/** Output streams, replaceable in tests. */
export interface ValidateOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const CONSOLE: ValidateOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function countTasks(tasks: readonly Task[]): number {
  let n = 0;
  for (const t of tasks) {
    if (t.kind === "block") n += countTasks(t.block) + countTasks(t.rescue) + countTasks(t.always);
    else n += 1;
  }
  return n;
}

/** Validates a playbook with its inventory; prints every problem as file:line:col and returns the exit code. */
export async function validateCommand(
  playbook: string,
  opts: ValidateOptions,
  io: ValidateOutput = CONSOLE,
): Promise<number> {
  const result = loadPlan({
    playbook,
    inventories: opts.inventory,
    extraVars: opts.extraVars,
    limit: opts.limit,
    rolesPath: opts.rolesPath,
  });
  for (const w of sortDiagnostics(result.warnings)) io.err(`warning: ${formatDiagnostic(w)}`);
  if (!result.ok) {
    for (const d of sortDiagnostics(result.diagnostics)) io.err(formatDiagnostic(d));
    const n = result.diagnostics.length;
    io.err(`${n} error${n === 1 ? "" : "s"}: ${playbook} is not valid`);
    return 4;
  }
  const { plan } = result;
  const tasks = plan.plays.reduce(
    (sum, p) => sum + countTasks([...p.preTasks, ...p.roleTasks, ...p.tasks, ...p.postTasks]),
    0,
  );
  const hosts = new Set(plan.playHosts.flat()).size;
  io.out(
    `${playbook}: valid (${plan.plays.length} play${plan.plays.length === 1 ? "" : "s"}, ${tasks} task${tasks === 1 ? "" : "s"}, ${hosts} host${hosts === 1 ? "" : "s"})`,
  );
  return 0;
}
