// The switchover journal as the topology reads it: each GoCD server keeps one JSON object per line
// (/var/lib/gocd-bc/journal.jsonl); the facts playbook returns each server's last line, base64-encoded.
// Pure, so every rule is tested apart from the hosts.

/** The latest switchover either server's journal records: its last step, and whether it ended. */
export interface SwitchoverRecord {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly step: string;
  readonly time: string;
  /** The epoch the switchover gives the new active side (0 when the line does not say). */
  readonly epoch: number;
  /** Done, or aborted by the LSN rule (the old side restored): nothing is left half-way. */
  readonly ended: boolean;
}

/** The steps after which a switchover has nothing left half-way. */
const ENDED = new Set(["done", "aborted"]);

/** One journal line (base64 of the JSON the switchover appended), or undefined when there is none or it
 * cannot be read (a torn last line is no record). */
export function journalRecord(encoded: string | undefined): SwitchoverRecord | undefined {
  if (!encoded) return undefined;
  try {
    const line = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as {
      time?: unknown;
      switchover?: Record<string, unknown>;
    };
    const sw = line.switchover ?? {};
    const step = String(sw.step ?? "");
    const epoch = Number(sw.epoch ?? 0);
    return {
      id: String(sw.id ?? ""),
      from: String(sw.from ?? ""),
      to: String(sw.to ?? ""),
      step,
      time: String(line.time ?? ""),
      epoch: Number.isInteger(epoch) && epoch > 0 ? epoch : 0,
      ended: ENDED.has(step),
    };
  } catch {
    return undefined;
  }
}

/** The latest of the servers' records (each server keeps a journal; a lost write leaves one behind). */
export function latestRecord(records: readonly (SwitchoverRecord | undefined)[]): SwitchoverRecord | undefined {
  return records
    .filter((r) => r !== undefined)
    .sort((a, b) => a.time.localeCompare(b.time))
    .at(-1);
}
