import { afterAll, describe, expect, it } from "vitest";
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

describe("live updates, tried end to end", () => {
  it("a test broadcast sent through realtime.send() reaches the admin over Realtime", async () => {
    const gym = await memberOfNewWorkspace("admin");
    const probe = await (await callerFor(gym.session.access_token)).health.liveUpdates({ workspaceId: gym.workspaceId });
    expect(probe).toEqual({ success: true, data: { joined: true, delivered: true, latencyMs: expect.any(Number) } });
  });

  it("is for admins of the workspace only", async () => {
    const agent = await memberOfNewWorkspace("agent");
    const asAgent = await (await callerFor(agent.session.access_token)).health.liveUpdates({ workspaceId: agent.workspaceId });
    expect(asAgent).toMatchObject({ success: false, error: { code: "FORBIDDEN" } });
    const stranger = await memberOfNewWorkspace("admin");
    const asStranger = await (await callerFor(stranger.session.access_token)).health.liveUpdates({
      workspaceId: agent.workspaceId,
    });
    expect(asStranger).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
  });

  it("says so when broadcasts stop, while every change is still stored", async () => {
    const gym = await memberOfNewWorkspace("admin");
    const conversation = await createConversation(gym.workspaceId, { contactName: "Live Lee" });
    // Realtime's table refusing this workspace's broadcasts (only its: other tests share the database), but not the
    // rows Realtime's own authorization writes and rolls back when someone joins.
    const name = `refuse_${gym.workspaceId.replaceAll("-", "_")}`;
    await superuserSql().unsafe(`
      create function public.${name}() returns trigger language plpgsql as $$
        begin
          if new.topic = 'workspace:${gym.workspaceId}' and new.event in ('probe', 'conversations') then raise exception 'refused' using errcode = 'P0001'; end if;
          return new;
        end $$;
      create trigger ${name} before insert on realtime.messages for each row execute function public.${name}();`);
    try {
      const changed = await superuserSql()`update public.conversations set unread_count = unread_count + 1
                                           where id = ${conversation.conversationId} returning id`;
      expect(changed).toHaveLength(1);
      const probe = await (await callerFor(gym.session.access_token)).health.liveUpdates({ workspaceId: gym.workspaceId });
      expect(probe).toEqual({ success: true, data: { joined: true, delivered: false, latencyMs: null } });
    } finally {
      await superuserSql().unsafe(`drop trigger ${name} on realtime.messages; drop function public.${name}();`);
    }
  });
});
