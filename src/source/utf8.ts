// Playbooks, inventories, vars files and templates are UTF-8 text. Node's lenient decoding turns any
// other byte into U+FFFD, which then reached the hosts unnoticed (a Latin-1 "é" in a config file); here
// such a byte is an error at its line and column. A byte order mark is kept (the YAML parser drops it).
import { isUtf8 } from "node:buffer";
import type { Diagnostic } from "../errors.js";

/** The text of a file's bytes, or the located diagnostic saying where they stop being UTF-8. */
export type DecodedText =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

const NEWLINE = 0x0a;

/** Decodes `bytes` (read from `file`, the path shown in messages) as strict UTF-8. */
export function decodeUtf8(bytes: Buffer, file: string): DecodedText {
  if (isUtf8(bytes)) return { ok: true, text: bytes.toString("utf8") };
  const bad = firstInvalid(bytes);
  const message = `not valid UTF-8 (byte 0x${bad.byte.toString(16).toUpperCase().padStart(2, "0")}): the file must be UTF-8 text; convert it, e.g. with iconv -f latin1 -t utf-8`;
  return { ok: false, diagnostic: { file, line: bad.line, col: bad.col, path: "", message } };
}

/** Line, column (in UTF-16 units, as the YAML positions) and value of the first byte that is not UTF-8. */
function firstInvalid(bytes: Buffer): { line: number; col: number; byte: number } {
  let start = 0;
  for (let line = 1; ; line++) {
    const nl = bytes.indexOf(NEWLINE, start);
    const end = nl < 0 ? bytes.length : nl;
    const text = bytes.subarray(start, end);
    // A newline byte never occurs inside a multi-byte sequence, so lines can be checked one by one.
    if (!isUtf8(text)) return { line, ...badColumn(text) };
    start = end + 1;
  }
}

/** Feeds a line to a strict decoder byte by byte; where it gives up, the sequence that began there is bad. */
function badColumn(line: Buffer): { col: number; byte: number } {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let units = 0;
  let pending: number | undefined;
  for (let i = 0; i < line.length; i++) {
    let out: string;
    try {
      out = decoder.decode(line.subarray(i, i + 1), { stream: true });
    } catch {
      return { col: units + 1, byte: line[pending ?? i]! };
    }
    if (out === "") pending ??= i;
    else pending = undefined;
    units += out.length;
  }
  return { col: units + 1, byte: line[pending ?? line.length - 1]! };
}
