// What every transport shares: become wrapping, result decoding, secret scrubbing, stat, and the
// become paths of put/get. A transport (ssh, local) supplies raw exec and direct (login-user) file I/O.
import type { Duplex } from "node:stream";
import {
  chooseMethod,
  cleanSudoStderr,
  needsBecome,
  PasswordTrials,
  refusedAgainMessage,
  sudoRefusedPassword,
  wrapForBecome,
} from "./become.js";
import { cmd, maskSecrets, quotedCommand, type Command } from "./command.js";
import { RemoteOperationError } from "./errors.js";
import { catCommand, putFromStdinCommand, saysAbsent } from "./file-scripts.js";
import { parseStat, statCommand } from "./stat.js";
import type { BecomeSpec, Connection, PutOptions, RemoteProcess, RemoteStat, RunOptions, RunResult } from "./types.js";

/** A command's outcome with output still as bytes (for binary reads). */
export type RawResult =
  | {
      readonly kind: "exited";
      readonly exitCode: number;
      readonly signal?: string;
      readonly stdout: Buffer;
      readonly stderr: Buffer;
    }
  | { readonly kind: "timeout"; readonly timeoutMs: number; readonly stdout: Buffer; readonly stderr: Buffer };

const PROBE_TIMEOUT_MS = 30_000;

/** Base class of the ssh and local connections: everything above "run this text with this stdin". */
export abstract class ShellConnection implements Connection {
  private sudoProbe: Promise<boolean> | undefined;
  /** The sudo passwords this host has accepted or refused: a refused one is never sent again. */
  private readonly passwords = new PasswordTrials();
  /** True where `cat` in an open shell is cheaper than the transport's own file read (ssh: no SFTP session to open). */
  protected readonly readsThroughShell: boolean = false;

  constructor(
    readonly host: string,
    readonly user: string,
  ) {}

  /** Runs shell text as the login user; rejects only when the transport fails. */
  protected abstract exec(
    shellText: string,
    stdin: Buffer | undefined,
    timeoutMs: number | undefined,
  ): Promise<RawResult>;
  /** Atomic write as the login user. */
  protected abstract putDirect(remotePath: string, content: Buffer, opts: PutOptions): Promise<void>;
  /** Read as the login user; null when absent. */
  protected abstract getDirect(remotePath: string): Promise<Buffer | null>;

  abstract forwardOut(host: string, port: number): Promise<Duplex>;
  abstract forwardOutUnix(socketPath: string): Promise<Duplex>;
  abstract isAlive(): boolean;
  abstract close(): Promise<void>;

  /** Runs a command; secrets it carries are scrubbed from its output. */
  async run(command: Command, opts: RunOptions = {}): Promise<RunResult> {
    const r = await this.execAs(command, opts);
    // The become password too: a command run as root could still print it (e.g. sudoers without env_reset).
    const secrets = [...command.secrets(), ...(opts.become?.password ? [opts.become.password.value] : [])];
    const text = (b: Buffer) => maskSecrets(b.toString("utf8"), secrets);
    return r.kind === "exited"
      ? {
          kind: "exited",
          exitCode: r.exitCode,
          ...(r.signal ? { signal: r.signal } : {}),
          stdout: text(r.stdout),
          stderr: text(r.stderr),
        }
      : { kind: "timeout", timeoutMs: r.timeoutMs, stdout: text(r.stdout), stderr: text(r.stderr) };
  }

  /** A long-lived command (see Connection.spawn): become as for run, without a password. */
  async spawn(command: Command, opts: { readonly become?: BecomeSpec } = {}): Promise<RemoteProcess | undefined> {
    if (!needsBecome(this.user, opts.become)) return this.openProcess(command.toShell());
    if (opts.become.password) return undefined;
    const choice = chooseMethod(opts.become, this.user, await this.hasSudo());
    if (!choice.ok) throw new RemoteOperationError(this.host, "become", choice.error);
    return this.openProcess(wrapForBecome(command, opts.become, choice.method).command.toShell());
  }

  /** Starts shell text as a long-lived process, where the transport can keep one open past the run. */
  protected openProcess(_shellText: string): Promise<RemoteProcess | undefined> {
    return Promise.resolve(undefined);
  }

  /** Atomic write; as another user the content goes on stdin to a mktemp+mv script run as that user. */
  async put(remotePath: string, content: Buffer | string, opts: PutOptions = {}): Promise<void> {
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    if (!needsBecome(this.user, opts.become)) return this.putDirect(remotePath, data, opts);
    const r = await this.execAs(putFromStdinCommand(remotePath, opts, data.length), {
      stdin: data,
      become: opts.become,
    });
    if (r.kind !== "exited" || r.exitCode !== 0) throw this.failure("put", remotePath, r);
  }

  /** Reads a file; null when it does not exist. */
  async get(remotePath: string, opts: { readonly become?: BecomeSpec } = {}): Promise<Buffer | null> {
    if (!needsBecome(this.user, opts.become) && !this.readsThroughShell) return this.getDirect(remotePath);
    const r = await this.execAs(catCommand(remotePath), { become: opts.become });
    if (r.kind === "exited" && r.exitCode === 0) return r.stdout;
    if (r.kind === "exited" && saysAbsent(r.stderr.toString("utf8"))) return null;
    throw this.failure("get", remotePath, r);
  }

  /** Describes a path (owner and group by name too); null when absent. */
  async stat(remotePath: string, opts: { readonly become?: BecomeSpec } = {}): Promise<RemoteStat | null> {
    const parsed = parseStat(await this.run(statCommand(remotePath), { become: opts.become }));
    if (!parsed.ok) throw new RemoteOperationError(this.host, "stat", `stat ${remotePath}: ${parsed.error}`);
    return parsed.stat;
  }

  private async execAs(given: Command, opts: RunOptions): Promise<RawResult> {
    const command = opts.timeoutMs === undefined ? given : withRemoteTimeout(given, opts.timeoutMs);
    const stdin =
      opts.stdin === undefined ? undefined : Buffer.isBuffer(opts.stdin) ? opts.stdin : Buffer.from(opts.stdin, "utf8");
    if (!needsBecome(this.user, opts.become)) return this.exec(command.toShell(), stdin, opts.timeoutMs);
    const choice = chooseMethod(opts.become, this.user, await this.hasSudo());
    if (!choice.ok) throw new RemoteOperationError(this.host, "become", choice.error);
    const plan = wrapForBecome(command, opts.become, choice.method);
    if (plan.stdinPrefix === undefined || !opts.become.password)
      return this.exec(plan.command.toShell(), stdin, opts.timeoutMs);
    const prefix = Buffer.from(plan.stdinPrefix, "utf8");
    const input = stdin ? Buffer.concat([prefix, stdin]) : prefix;
    const refused = (r: RawResult) => r.kind === "exited" && sudoRefusedPassword(r.exitCode, r.stderr.toString("utf8"));
    const r = await this.passwords.run(
      opts.become.password.value,
      () => this.exec(plan.command.toShell(), input, opts.timeoutMs),
      refused,
    );
    if (r === "refused-before")
      throw new RemoteOperationError(this.host, "become", refusedAgainMessage(this.user, this.host));
    return { ...r, stderr: Buffer.from(cleanSudoStderr(r.stderr.toString("utf8")), "utf8") };
  }

  private hasSudo(): Promise<boolean> {
    this.sudoProbe ??= this.exec(cmd`command -v sudo >/dev/null 2>&1`.toShell(), undefined, PROBE_TIMEOUT_MS).then(
      (r) => r.kind === "exited" && r.exitCode === 0,
      (e: unknown) => {
        this.sudoProbe = undefined;
        throw e;
      },
    );
    return this.sudoProbe;
  }

  private failure(op: "put" | "get", remotePath: string, r: RawResult): RemoteOperationError {
    const why =
      r.kind === "timeout"
        ? `timed out after ${r.timeoutMs} ms`
        : r.stderr.toString("utf8").trim() || `exit code ${r.exitCode}`;
    return new RemoteOperationError(this.host, op, `${op} ${remotePath}: ${why}`);
  }
}

/**
 * Runs `inner` under coreutils `timeout -s KILL` (a second after the local deadline) inside any become
 * wrapper, so a timed-out command and its process group really die on the host even when sshd ignores
 * the channel's KILL signal.
 */
export function withRemoteTimeout(inner: Command, timeoutMs: number): Command {
  const seconds = Math.ceil(timeoutMs / 1000) + 1;
  return cmd`timeout -s KILL ${seconds} sh -c ${quotedCommand(inner)}`;
}
