import { afterAll, expect, it } from "vitest";
import { callerFor, createConversation, memberOfNewWorkspace, superuserSql } from "../../../dev/test/fixtures";

// Jobs of a task no worker knows are never picked up, so the failures set below stay put while the test reads them.
const PROBE = `health-probe-${crypto.randomUUID().slice(0, 8)}`;

async function failingJob(payload: Record<string, string>, error: string) {
  const sql = superuserSql();
  const [job] = await sql<{ id: string }[]>`select id from graphile_worker.add_job(${PROBE}, ${sql.json(payload)}::json)`;
  await sql`update graphile_worker._private_jobs set attempts = 1, last_error = ${error} where id = ${job?.id ?? ""}`;
}

afterAll(async () => {
  await superuserSql()`select graphile_worker.permanently_fail_jobs(array(
                         select id from graphile_worker.jobs where task_identifier = ${PROBE}), 'test over')`;
  await superuserSql()`delete from graphile_worker._private_jobs where id in (
                         select id from graphile_worker.jobs where task_identifier = ${PROBE})`;
});

it("shows an admin their workspace's failing jobs with the error, another workspace's not at all, the schedule's as a count", async () => {
  const gym = await memberOfNewWorkspace("admin");
  const other = await memberOfNewWorkspace("admin");
  await failingJob({ workspaceId: gym.workspaceId }, "Graph answered 500");
  await failingJob({ workspaceId: other.workspaceId }, "the other gym's trouble");
  await failingJob({}, "a scheduled job's trouble");

  const health = await (await callerFor(gym.session.access_token)).health.workspace({ workspaceId: gym.workspaceId });
  if (!health.success) throw new Error(health.error.message);
  const probes = health.data.failingJobs.filter((job) => job.task === PROBE);
  expect(probes.map((job) => job.lastError)).toEqual(["Graph answered 500"]);
  expect(health.data.failingSystemJobs).toBeGreaterThanOrEqual(1);
  expect(JSON.stringify(health.data)).not.toContain("trouble");
});

it("is for admins only", async () => {
  const agent = await memberOfNewWorkspace("agent");
  const health = await (await callerFor(agent.session.access_token)).health.workspace({ workspaceId: agent.workspaceId });
  expect(health).toMatchObject({ success: false, error: { code: "FORBIDDEN" } });
});

it("notes a broadcast that could not be written, by its code alone, and shows admins how many failed", async () => {
  const gym = await memberOfNewWorkspace("admin");
  const conversation = await createConversation(gym.workspaceId, { contactName: "Live Lee" });
  // Realtime's table refusing every row, for one rolled-back transaction: the change is still stored.
  const noted = await superuserSql()
    .begin(async (tx) => {
      await tx`create function public.refuse_broadcast() returns trigger language plpgsql as $$
               begin raise exception 'refused: Live Lee' using errcode = 'P0001'; end $$`;
      await tx`create trigger refuse_broadcast before insert on realtime.messages
               for each row execute function public.refuse_broadcast()`;
      const [changed] = await tx`update public.conversations set unread_count = unread_count + 1
                                 where id = ${conversation.conversationId} returning id`;
      const failures = await tx<{ sqlstate: string }[]>`select sqlstate from app.broadcast_failures
                                                         where failed_at = now()`;
      throw Object.assign(new Error("rollback"), { outcome: { changed: Boolean(changed), failures } });
    })
    .catch((error: { outcome?: unknown }) => error.outcome);
  expect(noted).toEqual({ changed: true, failures: [{ sqlstate: "P0001" }] });

  await superuserSql()`insert into app.broadcast_failures (sqlstate) values ('42P01')`;
  const health = await (await callerFor(gym.session.access_token)).health.workspace({ workspaceId: gym.workspaceId });
  if (!health.success) throw new Error(health.error.message);
  expect(health.data.liveUpdates).toMatchObject({ lastSqlstate: "42P01" });
  expect(health.data.liveUpdates.failures24h).toBeGreaterThanOrEqual(1);
});
