// GoCD's maintenance mode API (since 19.1.0, API v1): POST /go/api/admin/maintenance_mode/enable and
// /disable (X-GoCD-Confirm header, 204), GET /go/api/admin/maintenance_mode/info. Shapes and messages as
// GoCD's ServerMaintenanceModeControllerV1 and MaintenanceModeInfoRepresenter produce them.
import { lostContact } from "./agents.mjs";
import { send } from "./http-util.mjs";
import { jobIdentifier } from "./jobs.mjs";

const BASE = "/go/api/admin/maintenance_mode/";
const MEDIA_TYPE = "application/vnd.go.cd.v1+json";
/** The Accept values GoCD routes to this API: its version, or "latest". Anything else: 404. */
const ACCEPTED = new Set([MEDIA_TYPE, "application/vnd.go.cd+json"]);
const JSON_V1 = { "Content-Type": `${MEDIA_TYPE}; charset=utf-8` };
const METHODS = { enable: "POST", disable: "POST", info: "GET" };
const DOC = "https://api.gocd.org/current/#maintenance-mode-info";

/** GoCD's API timestamps: ISO 8601 UTC without milliseconds, null when unset. */
const isoNoMillis = (d) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : null);

/** One entry of building_jobs; job_id is the stand-in's addition (GoCD's jobs are told apart by their locator). */
function runningJob(job) {
  const id = jobIdentifier(job);
  return {
    pipeline_name: id.pipelineName,
    pipeline_counter: id.pipelineCounter,
    stage_name: id.stageName,
    stage_counter: id.stageCounter,
    name: id.buildName,
    state: "Building",
    scheduled_date: isoNoMillis(job.assignedAt),
    agent_uuid: job.agentUuid,
    job_id: job.id,
  };
}

/** The maintenance mode info object; `attributes` only while the mode is on, as GoCD renders it. */
export function maintenanceInfo(mode, buildingJobs, selfHref) {
  const body = {
    _links: { self: { href: selfHref }, doc: { href: DOC } },
    is_maintenance_mode: mode.on,
    metadata: { updated_by: mode.updatedBy, updated_on: isoNoMillis(mode.updatedOn) },
  };
  if (mode.on) {
    // Running systems are material updates and building jobs; scheduled jobs wait and do not count.
    const running_systems = {
      material_update_in_progress: [],
      building_jobs: buildingJobs.map(runningJob),
      scheduled_jobs: [],
    };
    body.attributes = { has_running_systems: buildingJobs.length > 0, running_systems };
  }
  return body;
}

/** GoCD's check of a POST to its APIs: a body must be JSON, and no body needs the confirm header. */
function postRefusal(req) {
  const hasBody =
    Number(req.headers["content-length"] ?? 0) > 0 || /chunked/i.test(req.headers["transfer-encoding"] ?? "");
  if (hasBody) {
    const json = /^application\/json\s*(;|$)/i.test(req.headers["content-type"] ?? "");
    return json ? undefined : [415, "You must specify a 'Content-Type' of 'application/json'"];
  }
  return "x-gocd-confirm" in req.headers
    ? undefined
    : [400, "Missing required header 'X-GoCD-Confirm' with value 'true'"];
}

/** Switch the mode; GoCD answers 409 when it already is in that state. */
function switchMode(state, res, on, user) {
  if (state.maintenance.set(on, user.name)) return send(res, 204, "", JSON_V1);
  const message = on
    ? "Failed to enable server maintenance mode. Server is already in maintenance mode."
    : "Failed to disable server maintenance mode. Server is not in maintenance mode.";
  return send(res, 409, { message }, JSON_V1);
}

/** The info: jobs of agents that lost contact are rescheduled first, as GoCD does with hung jobs. */
function info(state, req, res) {
  const building = state.jobs.building((uuid) => {
    const agent = state.agents.get(uuid);
    return !agent || lostContact(state, agent);
  });
  const self = `http://${req.headers.host ?? "localhost:8153"}${BASE}info`;
  return send(res, 200, maintenanceInfo(state.maintenance.current(), building, self), JSON_V1);
}

/** Handle /go/api/admin/maintenance_mode/*; `user` is who the request authenticated as (an admin, see api-auth). */
export function handleMaintenanceApi(state, req, res, p, user) {
  if (!p.startsWith(BASE)) return false;
  const action = p.slice(BASE.length);
  if (METHODS[action] !== req.method || !ACCEPTED.has((req.headers.accept ?? "").trim())) {
    return void send(res, 404, "The url you are trying to reach appears to be incorrect.\n");
  }
  if (req.method === "POST") {
    const refusal = postRefusal(req);
    if (refusal) return void send(res, refusal[0], { message: refusal[1] }, JSON_V1);
  }
  if (action === "info") return void info(state, req, res);
  return void switchMode(state, res, action === "enable", user);
}
