// A host operation modules share: a timestamped backup copy of a file before it is replaced.
import { cmd } from "../../connection/command.js";
import type { HostWriter } from "../contract.js";
import { mustRun } from "./exec.js";

/** Copies `path` to `path.<timestamp>~` (mode and owner kept) and returns the backup's name. */
export async function backupFile(host: HostWriter, path: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  const backup = `${path}.${stamp}~`;
  await mustRun(host, cmd`cp -p -- ${path} ${backup}`, { what: `backup of ${path}` });
  return backup;
}
