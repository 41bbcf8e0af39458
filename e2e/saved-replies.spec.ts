import { createHash, randomUUID } from "node:crypto";
import type { ReceivedMedia } from "../dev/meta/received-media";
import { messengerText } from "../dev/meta/webhooks";
import { TINY_PDF } from "../dev/test/media-files";
import { expect, gymWithPage, meta, metaUrl, test } from "./fixtures";

test("a manager saves a reply; `/` in the composer puts it in with the member's first name, and a variable with no value is not sent", async ({
  page,
  data,
}) => {
  const gym = await gymWithPage({ page, data }, "manager");
  await page.goto("/settings/replies");
  await expect(page.getByText("No saved replies yet.")).toBeVisible();
  await page.getByLabel("Shortcut").fill("hours");
  await page.getByLabel("Text").fill("Hi {{contact.first_name}}, we open at 6 every day.");
  await page.getByRole("button", { name: "Add saved reply" }).click();
  await expect(page.getByTestId("saved-reply")).toContainText("/hours");
  await page.getByLabel("Shortcut").fill("sign");
  await page.getByLabel("Text").fill("Thanks! {{agent.first_name}} from the front desk");
  await page.getByRole("button", { name: "Add saved reply" }).click();
  await expect(page.getByTestId("saved-reply")).toHaveCount(2);

  const psid = `psid-${randomUUID()}`;
  await meta.webhook(messengerText({ pageId: gym.pageId, psid, text: "When do you open?" }));
  await data.sql()`update public.contacts set display_name = 'Jordan Member' where workspace_id = ${gym.workspaceId}`;
  await page.goto("/inbox");
  await page.getByTestId("conversation-row").first().click();
  const reply = page.getByLabel("Reply");
  await reply.pressSequentially("/ho");
  await expect(page.getByRole("listbox", { name: "Saved replies" })).toContainText("/hours");
  await reply.press("Enter");
  await expect(reply).toHaveValue("Hi Jordan, we open at 6 every day.");
  await reply.press("Enter");
  await expect(page.getByTestId("message").filter({ hasText: "Hi Jordan, we open at 6 every day." })).toBeVisible();
  await expect.poll(async () => (await meta.calls(`/${gym.pageId}/messages`)).length).toBe(1);

  // The manager has no name on their account: {{agent.first_name}} stays, flagged, and Send waits for it.
  await reply.fill("/sign");
  await page.getByRole("listbox", { name: "Saved replies" }).getByRole("option", { name: /sign/ }).click();
  await expect(page.getByTestId("unfilled-variables")).toContainText("{{agent.first_name}}");
  await expect(page.getByRole("button", { name: "Send" })).toBeDisabled();
  await reply.fill("Thanks! Sam from the front desk");
  await expect(page.getByTestId("unfilled-variables")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Send" })).toBeEnabled();
  expect(await meta.calls(`/${gym.pageId}/messages`)).toHaveLength(1);
});

test("agents read the saved replies but cannot change them", async ({ page, data }) => {
  const gym = await gymWithPage({ page, data }, "agent");
  await data.sql()`insert into public.saved_replies (workspace_id, shortcut, body) values (${gym.workspaceId}, 'freeze', 'Freezes cost 10 a month.')`;
  await page.goto("/settings/replies");
  await expect(page.getByTestId("saved-reply")).toContainText("Freezes cost 10 a month.");
  await expect(page.getByText("Only managers and admins can add or change saved replies.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Edit" })).toHaveCount(0);
});

test("a saved reply with a file: `/` attaches the file too, and the member gets the same bytes", async ({ page, data }) => {
  const gym = await gymWithPage({ page, data }, "manager");
  await page.goto("/settings/replies");
  await page.getByLabel("Shortcut").fill("timetable");
  await page.getByLabel("Text").fill("Here is this week's timetable.");
  await page
    .getByLabel("Saved reply file")
    .setInputFiles({ name: "timetable.pdf", mimeType: "application/pdf", buffer: TINY_PDF });
  await expect(page.getByTestId("saved-reply-file")).toContainText("timetable.pdf");
  await page.getByRole("button", { name: "Add saved reply" }).click();
  await expect(page.getByTestId("saved-reply")).toContainText("📎 timetable.pdf");

  const psid = `psid-${randomUUID()}`;
  await meta.webhook(messengerText({ pageId: gym.pageId, psid, text: "What classes are on?" }));
  await page.goto("/inbox");
  await page.getByTestId("conversation-row").first().click();
  const reply = page.getByLabel("Reply");
  await reply.pressSequentially("/time");
  await reply.press("Enter");
  await expect(page.getByTestId("file-chip")).toContainText("timetable.pdf");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByTestId("message").filter({ hasText: "Here is this week's timetable." })).toBeVisible();
  const sha = createHash("sha256").update(TINY_PDF).digest("hex");
  await expect
    .poll(async () =>
      ((await (await fetch(`${metaUrl()}/__received-media`)).json()) as ReceivedMedia[]).some(
        (file) => file.recipientId === psid && file.sha256 === sha,
      ),
    )
    .toBe(true);
});
