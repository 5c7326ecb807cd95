// Privilege escalation as pure command rewriting: sudo (with or without password) or su from root.
// Transports (ssh, local) call these and feed `stdinPrefix` before the caller's stdin. A sudo password is
// sent at most once per command, and a refused one never again on that host (PasswordTrials): each wrong
// attempt counts towards locking the account.
import { createHash } from "node:crypto";
import { cmd, quotedCommand, raw, type Command } from "./command.js";
import type { BecomeSpec } from "./types.js";

/** The environment variable holding the sudo password on the host, for the askpass helper (see wrapForBecome). */
export const SUDO_PASSWORD_VAR = "GOCD_BC_SUDO_PASSWORD";

/** The askpass helper's script: the password the first time it runs, then nothing (it empties itself). */
const ONE_SHOT_ASKPASS = `printenv ${SUDO_PASSWORD_VAR}; : > "$0"`;

/** A new private (0600) file for the helper, in $TMPDIR or /tmp. */
const NEW_HELPER = raw('$(mktemp "${TMPDIR:-/tmp}/gocd-bc-askpass.XXXXXXXXXX")');

/** A command rewritten to run as another user, plus what to write on stdin before the caller's input. */
export interface BecomePlan {
  readonly command: Command;
  /** The sudo password line (secret: never log it). */
  readonly stdinPrefix?: string;
}

/** The escalation method to use, or why none can be used. */
export type MethodChoice =
  | { readonly ok: true; readonly method: "sudo" | "su" }
  | { readonly ok: false; readonly error: string };

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
      (wanted === "su"
        ? "su needs a terminal for a password unless the login user is root"
        : "sudo is not installed and the login user is not root"),
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
  // line into a variable, and sudo gets it from its askpass helper only when it really asks. `sudo -S`
  // read it from stdin instead, which left the line on the command's stdin whenever sudo did not ask
  // (NOPASSWD, root, cached credentials), and read the caller's stdin as further attempts. The helper is a
  // private temp file run by sh (sudo passes the prompt, here its path, as the only argument): it prints
  // the password once and empties itself, so when sudo asks again after a wrong password it hears nothing
  // and stops, after one attempt instead of three. sudo's env_reset keeps the variable from the command.
  const v = raw(SUDO_PASSWORD_VAR);
  const helper = raw('"$gocd_bc_askpass"');
  const sudo = cmd`SUDO_ASKPASS=/bin/sh sudo -H -A -p ${helper} -u ${user} -- sh -c ${script}`;
  return {
    command: cmd`IFS= read -r ${v} && export ${v} && gocd_bc_askpass=${NEW_HELPER} && printf '%s\n' ${ONE_SHOT_ASKPASS} > ${helper} && { ${sudo}; gocd_bc_rc=$?; rm -f -- ${helper}; (exit $gocd_bc_rc); }`,
    stdinPrefix: `${b.password.value}\n`,
  };
}

/** True when a command run with a sudo password failed because sudo refused the password. */
export function sudoRefusedPassword(exitCode: number, stderr: string): boolean {
  return exitCode !== 0 && /\bincorrect password attempts?\b/.test(stderr);
}

/** sudo's stderr without the lines that only the one-shot askpass causes ("no password was provided"). */
export function cleanSudoStderr(stderr: string): string {
  if (!/incorrect password attempt/.test(stderr)) return stderr;
  return stderr.replace(/^(?:Sorry, try again\.|sudo: no password was provided)\n/gm, "");
}

/** What a host says when a password it refused earlier is about to be sent again. */
export function refusedAgainMessage(loginUser: string, host: string): string {
  return `become: sudo refused this password for ${loginUser} on ${host} earlier in this run; not sending it again (each wrong attempt counts towards locking the account)`;
}

/** One host's sudo passwords (kept as hashes): each is tried by one command at a time until sudo has
 * accepted or refused it, and a refused one is never sent again in this run. */
export class PasswordTrials {
  private readonly refused = new Set<string>();
  private readonly first = new Map<string, Promise<unknown>>();

  /** Runs `attempt` with `password`, or answers "refused-before" without running it. */
  async run<T>(
    password: string,
    attempt: () => Promise<T>,
    wasRefused: (result: T) => boolean,
  ): Promise<T | "refused-before"> {
    const key = createHash("sha256").update(password).digest("hex");
    const earlier = this.first.get(key);
    if (earlier) await earlier.catch(() => undefined);
    if (this.refused.has(key)) return "refused-before";
    const running = attempt();
    if (!earlier) this.first.set(key, running);
    const result = await running;
    if (wasRefused(result)) this.refused.add(key);
    return result;
  }
}
