// A very small terminal emulator for what the live view and listr2 write (text, line feeds, carriage
// returns, cursor up, cursor to a column, erase the line or to its end, erase to the end of the screen;
// colour codes dropped): what a person would see, as lines, for the unit tests and for README screenshots
// taken from a replay run under `script`.
//
//   node dist/test/bench/vt.js FILE [ROWS]   prints the last ROWS lines (default 30) of the screen FILE makes

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SEQUENCE = /\u001b\[([0-9;?]*)([A-Za-z])|\r\n|[\r\n]|[^\u001b\r\n]+|\u001b/g;

/** The screen's lines (the scrolled-away ones too) after `text` is written to an empty terminal. */
export function screenOf(text: string): string[] {
  const lines: string[] = [""];
  let row = 0;
  let col = 0;
  const put = (s: string): void => {
    const line = lines[row] ?? "";
    lines[row] = line.slice(0, col).padEnd(col, " ") + s + line.slice(col + s.length);
    col += s.length;
  };
  for (const m of text.matchAll(SEQUENCE)) {
    const [all, arg, op] = m;
    if (op === "A") row = Math.max(0, row - Number(arg || 1));
    else if (op === "J") {
      lines.splice(row + 1);
      lines[row] = (lines[row] ?? "").slice(0, col);
    } else if (op === "K") lines[row] = arg === "2" ? "" : (lines[row] ?? "").slice(0, col);
    else if (op === "G") col = Math.max(0, Number(arg || 1) - 1);
    else if (op !== undefined) continue;
    else if (all === "\n" || all === "\r\n") {
      row += 1;
      col = 0;
      lines[row] ??= "";
    } else if (all === "\r") col = 0;
    else if (all !== "\u001b") put(all);
  }
  while (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => l.trimEnd());
}

function main(): void {
  const [file, rows] = process.argv.slice(2);
  if (!file) throw new Error("usage: vt.js FILE [ROWS]");
  const screen = screenOf(readFileSync(file, "utf8"));
  process.stdout.write(`${screen.slice(-Number(rows ?? 30)).join("\n")}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
