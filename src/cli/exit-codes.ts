// Sorts errors at the CLI boundary: known ones print their message and map to an exit code;
// anything else is a bug and prints its stack.
import { CommanderError } from "commander";
import { GocdError } from "../errors.js";
import { LabError } from "../lab/exec.js";

/** Exit codes, following ansible-playbook where they overlap. */
export const EXIT = {
  ok: 0,
  error: 1,
  hostsFailed: 2,
  unreachableOrParse: 4,
  options: 5,
  interrupted: 99,
  bug: 250,
} as const;

/** Print the error for a person and return the exit code it maps to. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message (and the help where asked for).
    return err.exitCode === 0 ? EXIT.ok : EXIT.options;
  }
  if (err instanceof GocdError) {
    console.error(`error: ${err.message}`);
    return err.exitCode;
  }
  if (err instanceof LabError) {
    console.error(`error: ${err.message}`);
    return EXIT.error;
  }
  console.error("gocd-bc hit an unexpected error; this is a bug, please report it with this output:");
  console.error(err instanceof Error ? err.stack : String(err));
  return EXIT.bug;
}
