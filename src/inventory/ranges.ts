// Ansible's host ranges in inventory names: `web[01:03]` is web01, web02, web03; `db-[a:c]` is
// db-a, db-b, db-c; an optional stride `[0:10:5]`.

/** Expands every `[start:end(:stride)]` in a host name; a name without ranges expands to itself. */
export function expandHostRange(name: string): string[] {
  const m = /^(.*?)\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\](.*)$/i.exec(name);
  if (!m) return [name];
  const [, head = "", start = "", end = "", stride = "1", tail = ""] = m;
  const values = rangeValues(start, end, Number(stride));
  if (values === undefined) return [name];
  return values.flatMap((v) => expandHostRange(`${head}${v}${tail}`));
}

function rangeValues(start: string, end: string, stride: number): string[] | undefined {
  if (stride < 1) return undefined;
  if (/^\d+$/.test(start) && /^\d+$/.test(end)) {
    const width = start.length > 1 && start.startsWith("0") ? start.length : 0;
    const out: string[] = [];
    for (let i = Number(start); i <= Number(end); i += stride) out.push(String(i).padStart(width, "0"));
    return out;
  }
  if (/^[a-z]$/i.test(start) && /^[a-z]$/i.test(end)) {
    const out: string[] = [];
    for (let c = start.charCodeAt(0); c <= end.charCodeAt(0); c += stride) out.push(String.fromCharCode(c));
    return out;
  }
  return undefined;
}
