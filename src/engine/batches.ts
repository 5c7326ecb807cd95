// Serial batches and the play's failure policy, as Ansible computes them. Pure.

/** Splits the play's hosts into batches: `serial` sizes (numbers or "30%"), the last size repeating;
 * no serial (or 0) is one batch of every host. A percentage rounds down, but a batch has at least one host. */
export function serialBatches(hosts: readonly string[], serial: readonly (number | string)[] | undefined): string[][] {
  if (hosts.length === 0) return [];
  const sizes = (serial ?? []).map((s) => batchSize(s, hosts.length));
  if (sizes.length === 0 || sizes.every((s) => s <= 0)) return [[...hosts]];
  const batches: string[][] = [];
  let at = 0;
  let i = 0;
  while (at < hosts.length) {
    const size = sizes[Math.min(i, sizes.length - 1)] ?? hosts.length;
    const n = size <= 0 ? hosts.length - at : size;
    batches.push(hosts.slice(at, at + n));
    at += n;
    i += 1;
  }
  return batches;
}

/** One `serial` entry as a number of hosts. */
export function batchSize(value: number | string, total: number): number {
  const text = String(value).trim();
  if (text.endsWith("%")) {
    const pct = Number(text.slice(0, -1));
    if (!Number.isFinite(pct) || pct <= 0) return 0;
    return Math.max(1, Math.floor((total * pct) / 100));
  }
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`serial: '${text}' is neither a number nor a percentage`);
  return Math.floor(n);
}

/** Why the play must stop after a task, or null to go on. */
export type FailVerdict = { readonly stop: false } | { readonly stop: true; readonly why: string };

/** Ansible's rules after each task: any_errors_fatal stops at the first failure; max_fail_percentage
 * stops when failed hosts / batch size exceeds it; a batch whose every host failed stops the play. */
export function failPolicy(
  failed: number,
  batchSize: number,
  opts: { anyErrorsFatal: boolean; maxFailPercentage?: number },
): FailVerdict {
  if (failed === 0 || batchSize === 0) return { stop: false };
  if (opts.anyErrorsFatal) return { stop: true, why: "any_errors_fatal: a host failed" };
  if (opts.maxFailPercentage !== undefined) {
    const pct = (failed / batchSize) * 100;
    if (pct > opts.maxFailPercentage) {
      return {
        stop: true,
        why: `max_fail_percentage ${opts.maxFailPercentage}% exceeded: ${failed} of ${batchSize} hosts failed (${Math.round(pct)}%)`,
      };
    }
  }
  if (failed >= batchSize) return { stop: true, why: `every host of the batch failed` };
  return { stop: false };
}
