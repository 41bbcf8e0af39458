import { afterAll, expect, it } from "vitest";
import { callerFor, memberOfNewWorkspace, superuserSql } from "../../../dev/test/fixtures";

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
