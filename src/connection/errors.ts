// The connection layer's errors, members of the runner's family (src/errors.ts): the executor sorts them
// into "unreachable" (the host is out for the run) or "failed" (this task failed, the host stays usable).
import { GocdError } from "../errors.js";

/** Why a host could not be used; the executor reports the host as unreachable with the message. */
export type UnreachableReason =
  | "connect"
  | "timeout"
  | "auth"
  | "hostkey-unknown"
  | "hostkey-changed"
  | "hostkey-revoked"
  | "dropped"
  | "config";

/** The host cannot be reached or trusted; every later task on it is skipped as unreachable (exit 4, as Ansible). */
export class UnreachableError extends GocdError {
  readonly kind = "unreachable" as const;
  readonly exitCode = 4;
  override readonly name = "UnreachableError";
  constructor(
    readonly host: string,
    readonly reason: UnreachableReason,
    message: string,
  ) {
    super(message);
  }
}

/** An operation on a reachable host failed (put/get/stat/become set-up); the task fails (exit 2), the host stays usable. */
export class RemoteOperationError extends GocdError {
  readonly kind = "remote-operation" as const;
  readonly exitCode = 2;
  override readonly name = "RemoteOperationError";
  constructor(
    readonly host: string,
    readonly operation: "put" | "get" | "stat" | "become" | "forward" | "run",
    message: string,
  ) {
    super(message);
  }
}

/** Any error this layer throws on purpose. */
export type ConnectionError = UnreachableError | RemoteOperationError;

/** True for errors raised on purpose by the connection layer (anything else is a bug). */
export function isConnectionError(e: unknown): e is ConnectionError {
  return e instanceof UnreachableError || e instanceof RemoteOperationError;
}
