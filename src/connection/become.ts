// Privilege escalation as pure command rewriting: sudo (with or without password) or su from root.
// Transports (ssh, local) call these and feed `stdinPrefix` before the caller's stdin.
import { cmd, quotedCommand, raw, type Command } from "./command.js";
import type { BecomeSpec } from "./types.js";

/**
 * The private sudo prompt, which is also the name of the environment variable holding the password on the
 * host (see wrapForBecome); stripped from stderr should it ever show there.
 */
export const SUDO_PROMPT = "GOCD_BC_SUDO_PASSWORD";

/** A command rewritten to run as another user, plus what to write on stdin before the caller's input. */
export interface BecomePlan {
  readonly command: Command;
  /** The sudo password line (secret: never log it). */
  readonly stdinPrefix?: string;
}

/** The escalation method to use, or why none can be used. */
export type MethodChoice = { readonly ok: true; readonly method: "sudo" | "su" } | { readonly ok: false; readonly error: string };

/** The user a become spec targets (root by default). */
export function becomeUser(b: BecomeSpec): string {
  return b.user ?? "root";
}

/** True when the command must be wrapped: becoming the login user is a no-op. */
export function needsBecome(loginUser: string, b: BecomeSpec | undefined): b is BecomeSpec {
  return b !== undefined && becomeUser(b) !== loginUser;
}

/** Picks sudo or su: sudo when installed; su only from root (it would need a terminal for a password). */
export function chooseMethod(b: BecomeSpec, loginUser: string, sudoInstalled: boolean): MethodChoice {
  const wanted = b.method ?? "auto";
  if (wanted === "sudo" || (wanted === "auto" && sudoInstalled)) {
    return sudoInstalled
      ? { ok: true, method: "sudo" }
      : { ok: false, error: "become: sudo is not installed on this host" };
  }
  if (loginUser === "root") return { ok: true, method: "su" };
  return {
    ok: false,
    error:
      `become: cannot switch from ${loginUser} to ${becomeUser(b)}: ` +
      (wanted === "su" ? "su needs a terminal for a password unless the login user is root" : "sudo is not installed and the login user is not root"),
  };
}

/** Wraps `inner` so it runs as the become user through `sh -c` with the target user's HOME. */
export function wrapForBecome(inner: Command, b: BecomeSpec, method: "sudo" | "su"): BecomePlan {
  const user = becomeUser(b);
  const script = quotedCommand(inner);
  if (method === "su") {
    return { command: cmd`su -s /bin/sh -c ${script} -- ${user}` };
  }
  if (b.password === undefined) {
    return { command: cmd`sudo -H -S -n -u ${user} -- sh -c ${script}` };
  }
  // The password travels as the first line of stdin (never on a command line). The remote shell reads that
  // line into a variable, and sudo gets it from its askpass helper -- printenv, which prints the variable
  // named by the prompt -- only when it really asks. `sudo -S` read it from stdin instead, which left the
  // line on the command's stdin whenever sudo did not ask (NOPASSWD, root, cached credentials): it showed
  // in output and was written into files by put. On a wrong password it also read the caller's stdin as
  // further attempts. sudo's env_reset keeps the variable away from the command.
  const v = raw(SUDO_PROMPT);
  return {
    command: cmd`IFS= read -r ${v} && export ${v} && SUDO_ASKPASS=$(command -v printenv) sudo -H -A -p ${SUDO_PROMPT} -u ${user} -- sh -c ${script}`,
    stdinPrefix: `${b.password.value}\n`,
  };
}

/** Removes sudo's prompt markers from stderr (it prints one per password attempt). */
export function stripSudoPrompt(stderr: string): string {
  return stderr.split(SUDO_PROMPT).join("");
}
