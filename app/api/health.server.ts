import { json } from "@remix-run/node";
import { databaseStatus } from "../../server/db/client";

/**
 * Liveness for supervisors and load balancers: is the database reachable, and which Postgres is it. Not a user
 * request, so not a procedure: the one route that reads the server directly, through this module.
 */
export async function healthResponse() {
  const database = await databaseStatus();
  return json(
    { status: database.reachable ? "ok" : "degraded", database },
    { status: database.reachable ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
