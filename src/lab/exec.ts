// Runs the controller-side programs the lab needs (ip, ssh-keygen, kill...) and turns failures into LabError.
import { execFile } from "node:child_process";

/** A lab step failed; the message says which command and what it printed. */
export class LabError extends Error {
  override readonly name = "LabError";
}

/** Run a program (no shell) and return its stdout; a non-zero exit becomes a LabError naming the command. */
export function run(
  file: string,
  args: readonly string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          const why = String(stderr).trim() || err.message;
          reject(new LabError(`${file} ${args.join(" ")}: ${why}`));
        } else resolve(String(stdout));
      },
    );
    child.stdin?.on("error", () => undefined); // a program that exits without reading its input is not our error
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Like run, but a failure is an answer (false), not an error: for probes such as "does this netns exist". */
export async function succeeds(file: string, args: readonly string[]): Promise<boolean> {
  try {
    await run(file, args);
    return true;
  } catch {
    return false;
  }
}

/** Run `fn` over `items` with at most `limit` in flight; the lab boots dozens of hosts at once this way. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
