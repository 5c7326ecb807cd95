// The journal as the topology reads it: each GoCD server keeps one JSON object per line
// (/var/lib/gocd-bc/journal.jsonl), one line per step of each switchover or failover; the facts playbook
// returns each server's last line, base64-encoded. Pure, so every rule is tested apart from the hosts.

/** Which command wrote a journal line: the key its fields are under. */
export type JournalKind = "switchover" | "failover";

/** The latest switchover or failover either server's journal records: its last step, and whether it ended. */
export interface JournalRecord {
  readonly kind: JournalKind;
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly step: string;
  readonly time: string;
  /** The epoch the switchover or failover gives the new active side (0 when the line does not say). */
  readonly epoch: number;
  /** Nothing is left half-way: done, or (a switchover) aborted by the LSN rule, the old side restored. */
  readonly ended: boolean;
}

/** The steps after which each kind has nothing left half-way (a failover is never undone). */
const ENDED: Readonly<Record<JournalKind, ReadonlySet<string>>> = {
  switchover: new Set(["done", "aborted"]),
  failover: new Set(["done"]),
};

/** An epoch as a line or a marker writes it (a number, or its digits): a positive whole number, else 0 (none). */
export function epochOf(value: unknown): number {
  const epoch = Number(value ?? 0);
  return Number.isInteger(epoch) && epoch > 0 ? epoch : 0;
}

/** One journal line (base64 of the JSON the switchover or failover appended), or undefined when there is none
 * or it cannot be read (a torn last line is no record). */
export function journalRecord(encoded: string | undefined): JournalRecord | undefined {
  if (!encoded) return undefined;
  try {
    const line = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as {
      time?: unknown;
      switchover?: Record<string, unknown>;
      failover?: Record<string, unknown>;
    };
    const kind: JournalKind = line.failover !== undefined ? "failover" : "switchover";
    const fields = line[kind] ?? {};
    const step = String(fields.step ?? "");
    return {
      kind,
      id: String(fields.id ?? ""),
      from: String(fields.from ?? ""),
      to: String(fields.to ?? ""),
      step,
      time: String(line.time ?? ""),
      epoch: epochOf(fields.epoch),
      ended: ENDED[kind].has(step),
    };
  } catch {
    return undefined;
  }
}

/** The latest of the servers' records (each server keeps a journal; a lost write leaves one behind). */
export function latestRecord(records: readonly (JournalRecord | undefined)[]): JournalRecord | undefined {
  return records
    .filter((r) => r !== undefined)
    .sort((a, b) => a.time.localeCompare(b.time))
    .at(-1);
}
