// GoCD's server maintenance mode: while on, idle agents get no work, running jobs finish and report, and
// requests that would change state are refused. GoCD keeps it in memory only (MaintenanceModeService), not
// in its database: a restart ends it, unless the server starts with gocd.server.start.in.maintenance.mode.

/** The mode's state and its switch; `startOn` is the start-in-maintenance-mode property. */
export function createMaintenanceMode(startOn, log) {
  // GoCD records the user "GoCD" when the property turned it on.
  let mode = startOn
    ? { on: true, updatedBy: "GoCD", updatedOn: new Date() }
    : { on: false, updatedBy: null, updatedOn: null };
  if (startOn) {
    log.info("[Maintenance Mode] Server started in maintenance mode (gocd.server.start.in.maintenance.mode=true)");
  }
  return {
    isOn: () => mode.on,
    current: () => mode,
    /** Switch it on or off as `user`; false (nothing changed) when it already is so. */
    set(on, user) {
      if (mode.on === on) return false;
      mode = { on, updatedBy: user, updatedOn: new Date() };
      log.info(
        `[Maintenance Mode] Server maintenance mode state updated to 'isMaintenanceMode=${on}' by '${user}' at '${mode.updatedOn.toISOString()}'.`,
      );
      return true;
    },
  };
}

/**
 * GoCD's ModeAwareFilter: in maintenance mode every request that is not a read (GET, HEAD) is refused,
 * but for the agents' remoting calls (so running jobs can report) and the maintenance mode API itself.
 * Among the stand-in's routes that leaves agent registration (POST /go/admin/agent) refused.
 */
export function refusedInMaintenance(maintenance, method, path) {
  if (!maintenance.isOn() || method === "GET" || method === "HEAD") return false;
  return !(path.startsWith("/go/remoting/") || /^\/go\/api\/admin\/maintenance_mode\/[^/]+$/.test(path));
}

/** GoCD's message for a refused request. */
export const REFUSED_MESSAGE = "Server is in maintenance mode, please try later.";
