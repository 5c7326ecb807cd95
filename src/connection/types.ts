// The contract between the connection layer and its users (modules, executor): one Connection per host.
import type { Duplex } from "node:stream";
import type { Command, Secret } from "./command.js";

/** Run as another user: `sudo` (password optional) or `su` (only when connecting as root). */
export interface BecomeSpec {
  /** Target user; default root. */
  readonly user?: string;
  /** `auto` (default): sudo if installed, else su when the login user is root. */
  readonly method?: "auto" | "sudo" | "su";
  /** sudo password, fed on stdin after a private prompt marker; never logged. */
  readonly password?: Secret;
}

/** Options for one command. */
export interface RunOptions {
  readonly stdin?: string | Buffer;
  /** Kill the command (signal KILL, channel closed) after this long and return a `timeout` result. */
  readonly timeoutMs?: number;
  readonly become?: BecomeSpec;
}

/** The command ran to the end. `exitCode` is 128+n (or 255) when it died of a signal, named in `signal`. */
export interface RunExited {
  readonly kind: "exited";
  readonly exitCode: number;
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command was killed after `timeoutMs`; output is what had arrived by then. */
export interface RunTimedOut {
  readonly kind: "timeout";
  readonly timeoutMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The outcome of one command: handle both cases (exhaustive switch on `kind`). */
export type RunResult = RunExited | RunTimedOut;

/** Options for an atomic write; unset mode/owner/group keep those of the file being replaced. */
export interface PutOptions {
  /** Permission bits, e.g. 0o640. */
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
  readonly become?: BecomeSpec;
}

/** What `stat` reports about a path (not following a final symlink). */
export interface RemoteStat {
  readonly type: "file" | "directory" | "symlink" | "other";
  /** Permission bits only (e.g. 0o644). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly owner: string;
  readonly group: string;
  readonly size: number;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
}

/** A long-lived command on the host with its stdin kept open: a session that many requests share (psql). */
export interface RemoteProcess {
  write(text: string): void;
  /** Output as it arrives, from stdout ("out") or stderr ("err"). */
  onOutput(listener: (stream: "out" | "err", chunk: Buffer) => void): void;
  /** Called once, when the command has ended (or its channel closed). */
  onEnd(listener: () => void): void;
  /** Ends the command's channel. */
  close(): void;
}

/** A persistent connection to one host: many commands and transfers over it for the whole run. */
export interface Connection {
  /** The inventory name of the host, for messages. */
  readonly host: string;
  /** The login user (become to this user is a no-op). */
  readonly user: string;
  /** Runs a command with `sh -c` semantics. Rejects only when the connection itself fails (UnreachableError). */
  run(command: Command, opts?: RunOptions): Promise<RunResult>;
  /** Writes a file atomically: temp file in the same directory, mode and owner set, then rename. */
  put(remotePath: string, content: Buffer | string, opts?: PutOptions): Promise<void>;
  /** Reads a file; null when it does not exist. */
  get(remotePath: string, opts?: { readonly become?: BecomeSpec }): Promise<Buffer | null>;
  /** Describes a path; null when it does not exist. */
  stat(remotePath: string, opts?: { readonly become?: BecomeSpec }): Promise<RemoteStat | null>;
  /** Opens a TCP stream to host:port as seen from the remote host (ssh direct-tcpip). */
  forwardOut(host: string, port: number): Promise<Duplex>;
  /** Opens a stream to a unix socket on the remote host (OpenSSH streamlocal). */
  forwardOutUnix(socketPath: string): Promise<Duplex>;
  /** Starts a long-lived command, or answers undefined where the transport keeps none (the caller then
   * runs one command per request). Never with a become password (it would need the command's stdin). It
   * ends with the connection. */
  spawn?(command: Command, opts?: { readonly become?: BecomeSpec }): Promise<RemoteProcess | undefined>;
  /** False once the underlying transport has closed or failed. */
  isAlive(): boolean;
  /** Closes the connection; idempotent. */
  close(): Promise<void>;
}
