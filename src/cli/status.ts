// `gocd-bc status -i INVENTORY [--json]`: the pair's health on one screen; exit 0 healthy, 1 otherwise.
import { formatDiagnostic } from "../errors.js";
import { decideTopology } from "../topology/decide.js";
import { readFacts } from "../topology/facts.js";
import { formatStatus, pairStatus } from "../topology/status.js";

/** Options of `status`. */
export interface StatusOptions {
  readonly inventory: string[];
  readonly extraVars?: string[];
  readonly json?: boolean;
  readonly trustOnFirstUse?: boolean;
}

/** Reads the facts, prints the status screen (or JSON) and returns 0 when nothing is wrong. */
export async function statusCommand(opts: StatusOptions): Promise<number> {
  const facts = await readFacts(opts.inventory, opts.extraVars ?? [], { trustOnFirstUse: opts.trustOnFirstUse });
  if (!facts.ok) {
    for (const d of facts.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    return 4;
  }
  const topology = decideTopology(facts.db, facts.gocd, facts.names, facts.journal);
  const status = pairStatus(
    facts.results,
    topology,
    facts.gocd.map((g) => g.host),
    facts.db.map((d) => d.host),
    facts.journal,
  );
  process.stdout.write(opts.json ? `${JSON.stringify(status)}\n` : `${formatStatus(status)}\n`);
  return status.problems.length ? 1 : 0;
}
