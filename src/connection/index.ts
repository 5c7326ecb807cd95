// The connection layer's public face: the only part of gocd-bc that talks to hosts (and imports ssh2, when
// the first ssh connection opens).
export {
  cmd,
  command,
  raw,
  rawCommand,
  secret,
  quotedCommand,
  maskSecrets,
  Command,
  Secret,
  Raw,
  MASK,
  type CommandValue,
} from "./command.js";
export type {
  Connection,
  RunOptions,
  RunResult,
  RunExited,
  RunTimedOut,
  PutOptions,
  RemoteStat,
  BecomeSpec,
  RemoteProcess,
} from "./types.js";
export {
  UnreachableError,
  RemoteOperationError,
  isConnectionError,
  type UnreachableReason,
  type ConnectionError,
} from "./errors.js";
export { ConnectionPool, defaultConnector, type HostSpec, type Connector } from "./pool.js";
/** Opens an ssh connection (see ssh-connect.ts), loading ssh2 on first use. */
export async function connectSsh(
  ...args: Parameters<typeof import("./ssh-connect.js").connectSsh>
): ReturnType<typeof import("./ssh-connect.js").connectSsh> {
  return (await import("./ssh-connect.js")).connectSsh(...args);
}
export type { SshTarget } from "./ssh-config.js";
export { LocalConnection } from "./local-connection.js";
export { catCommand } from "./file-scripts.js";
export { pgClientOver, type PgOverOptions } from "./pg-over.js";
