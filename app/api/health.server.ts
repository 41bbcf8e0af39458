import { json } from "@remix-run/node";
import { systemHealth } from "../../server/services/system-health";

/**
 * Liveness for supervisors and load balancers: the database, the workers, the version. 503 only when the database
 * is unreachable (a missing worker delays background work; the inbox still works). Not a user request, so not a
 * procedure: the one route that reads the server directly, through this module.
 */
export async function healthResponse() {
  const health = await systemHealth();
  return json(health, { status: health.status === "down" ? 503 : 200, headers: { "cache-control": "no-store" } });
}
