// Small HTTP helpers shared by the server's routes: responses and request bodies.

/** Send a JSON (object) or text (string) response; extra headers (e.g. a versioned Content-Type) win. */
export function send(res, status, body, headers = {}) {
  const json = typeof body !== "string";
  res.writeHead(status, {
    "Content-Type": json ? "application/json" : "text/plain; charset=utf-8",
    ...headers,
  });
  res.end(json ? JSON.stringify(body) : body);
}

/** A request body as text, at most 64 KiB (the stand-in's requests are all small). */
export async function readText(req) {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 65536) throw new Error("request body too large");
  }
  return text;
}

/** Read a small request body (form-encoded or JSON) into a plain object. */
export async function readForm(req) {
  const text = await readText(req);
  if ((req.headers["content-type"] ?? "").includes("json")) return text ? JSON.parse(text) : {};
  return Object.fromEntries(new URLSearchParams(text));
}
