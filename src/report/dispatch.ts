// Calls the entry of an exhaustive handler table for one event. The cast lives here, once: TypeScript
// cannot see that `handlers[e.type]` takes exactly `e`, though the mapped type guarantees it.
import type { EventHandlers, RunEvent } from "./events.js";

/** Runs the handler that matches the event's `type`. */
export function dispatch<R>(handlers: EventHandlers<R>, event: RunEvent): R {
  const handler = handlers[event.type] as (e: RunEvent) => R;
  return handler(event);
}

/** A host_result event, the one most formatters look into. */
export type HostResultEvent = Extract<RunEvent, { type: "host_result" }>;

/** A task_start event. */
export type TaskStartEvent = Extract<RunEvent, { type: "task_start" }>;
