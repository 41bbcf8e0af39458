import { randomUUID } from "node:crypto";
import { expect, gymWithPage, test } from "./fixtures";

test("Settings → Health shows a channel's failed replies, a failing webhook, and a running worker", async ({ page, data }) => {
  const gym = await gymWithPage({ page, data }, "admin");
  await gym.memberWrites("Is the pool open?");
  const sql = data.sql();
  await sql`
    insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, status, error,
                                 failed_at, client_message_id)
    select workspace_id, id, channel_account_id, 'outbound', 'staff', 'Yes until 9', 'failed',
           '{"code":"PROVIDER_ERROR","message":"Meta refused it.","retryable":true}', now(), ${randomUUID()}
    from public.conversations where channel_account_id = ${gym.channelId}`;
  // A webhook the worker has given up on (6 attempts).
  await sql`
    insert into public.webhook_events (workspace_id, object, payload, outcome, error, attempts)
    values (${gym.workspaceId}, 'page', '{"object":"page","entry":[]}', 'failed', '23514: check constraint failed', 6)`;

  await page.goto("/inbox");
  await expect(page.getByTestId("webhook-alert")).toContainText("could not be stored after several tries");
  await page.getByTestId("webhook-alert").getByRole("link", { name: "See Settings → Health" }).click();
  await expect(page.getByRole("heading", { name: "Health" })).toBeVisible();

  const channel = page.getByTestId("health-channel").first();
  await expect(channel).toContainText("Active");
  await expect(channel.getByRole("cell").nth(4)).toHaveText("1");
  await expect(channel.getByRole("cell").nth(2)).toHaveText("just now");
  await expect(page.getByTestId("health-webhook-counts")).toContainText("1 failed");
  await expect(page.getByTestId("health-failing-webhook")).toContainText("23514: check constraint failed");
  await expect(page.getByTestId("health-failing-webhook")).toContainText("will not be tried again automatically");
  await expect(page.getByTestId("health-worker")).toContainText("A worker is running");
  await expect(page.getByTestId("health-live")).toHaveText(/^Working: a test update arrived in \d+ ms\.$/);
  await page.getByRole("button", { name: "Test again" }).click();
  await expect(page.getByTestId("health-live")).toHaveText(/^Working: a test update arrived in \d+ ms\.$/);
});

test("an agent is not shown Health", async ({ page, data }) => {
  await gymWithPage({ page, data }, "agent");
  await page.goto("/settings/health");
  await expect(page.getByText("Only admins can see the workspace's health.")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Health" })).toHaveCount(0);
});

test("/healthz answers JSON: status, database, worker, version, uptime", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  const body = await response.json();
  expect(body).toMatchObject({
    status: "ok",
    database: { reachable: true },
    worker: { status: "ok" },
    version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
  });
  expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
});
