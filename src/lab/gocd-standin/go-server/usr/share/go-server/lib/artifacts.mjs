// Artifacts under artifactsDir/pipelines/<pipeline>/<counter>/<stage>/<stageCounter>/<job>/<path>:
// agents upload them (PUT/POST /go/remoting/files/...), anyone with access reads them (GET /go/files/...).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { send } from "./http-util.mjs";

/** The artifact file for /files/<pipeline>/<counter>/<stage>/<stageCounter>/<job>/<path...>, or null. */
export function artifactPath(artifactsDir, rest) {
  let parts;
  try {
    parts = rest.split("/").map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
  const bad = (p) => p === "" || p === "." || p === ".." || /[\0/\\]/.test(p);
  if (parts.length < 6 || parts.some(bad)) return null;
  const root = path.join(artifactsDir, "pipelines");
  const file = path.join(root, ...parts);
  return file.startsWith(root + path.sep) ? file : null;
}

/** Write an upload atomically (temp file + rename) under artifactsDir. */
async function saveArtifact(req, file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.upload-${process.pid}-${crypto.randomUUID()}`;
  try {
    await pipeline(req, fs.createWriteStream(tmp, { mode: 0o644 }));
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Handle an upload or a download of `rest` (the path after /files/); `agentUuid` is set when agent-authenticated. */
export async function handleArtifact(state, req, res, rest, agentUuid) {
  const m = req.method ?? "GET";
  const file = artifactPath(state.artifactsDir, rest);
  if (!file) return send(res, 400, "path must be <pipeline>/<counter>/<stage>/<stageCounter>/<job>/<file>\n");
  if (m === "PUT" || m === "POST") {
    if (!agentUuid) return send(res, 403, "Agent token is not valid for this server.\n");
    await saveArtifact(req, file);
    return send(res, 201, "File uploaded.\n");
  }
  if (m === "GET") {
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return send(res, 404, "Artifact not found.\n");
    res.writeHead(200, { "Content-Type": "application/octet-stream" });
    return void (await pipeline(fs.createReadStream(file), res));
  }
  return send(res, 404, "Not found.\n");
}
