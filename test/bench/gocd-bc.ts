// The bench runs gocd-bc's commands as an operator does, on the lab's inventory: one helper for them all.
import { spawn } from "node:child_process";
import { labPaths } from "../../src/lab/topology.js";

/** `gocd-bc ARGS -i INVENTORY` (the lab's); resolves with its stderr, rejects when it fails. */
export function gocdBc(cli: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args, "-i", labPaths().inventory], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) =>
      code === 0 ? resolve(err) : reject(new Error(`gocd-bc ${args.join(" ")} exited ${code}:\n${err}`)),
    );
  });
}

/** `gocd-bc switchover --to TO --confirm TO`. */
export const switchover = (cli: string, to: string): Promise<string> =>
  gocdBc(cli, ["switchover", "--to", to, "--confirm", to]);
