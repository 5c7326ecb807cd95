// The connection layer's public face: the only part of gocd-bc that talks to hosts (and imports ssh2).
export { cmd, command, raw, rawCommand, secret, quotedCommand, maskSecrets, Command, Secret, Raw, MASK, type CommandValue } from "./command.js";
export type { Connection, RunOptions, RunResult, RunExited, RunTimedOut, PutOptions, RemoteStat, BecomeSpec } from "./types.js";
export { UnreachableError, RemoteOperationError, isConnectionError, type UnreachableReason, type ConnectionError } from "./errors.js";
export { ConnectionPool, defaultConnector, type HostSpec, type Connector } from "./pool.js";
export { connectSsh } from "./ssh-connect.js";
export type { SshTarget } from "./ssh-config.js";
export { LocalConnection } from "./local-connection.js";
export { catCommand } from "./file-scripts.js";
export { pgClientOver, type PgOverOptions } from "./pg-over.js";
