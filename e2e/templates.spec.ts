import { createHash } from "node:crypto";
import type { ReceivedMedia } from "../dev/meta/received-media";
import { whatsappText } from "../dev/meta/webhooks";
import { PNG_1X1 } from "../dev/test/media-files";
import { expect, gymWithTemplates, meta, metaUrl, signInAs, test } from "./fixtures";

test("a WhatsApp conversation whose window closed offers only approved templates; a filled {{1}} is sent as a template, and a rejection shows with its reason", async ({
  page,
  data,
}) => {
  const { user, ...number } = await gymWithTemplates({ data }, "admin");
  // The member last wrote two days ago: WhatsApp's 24-hour window has closed.
  await meta.webhook(
    whatsappText({
      phoneNumberId: number.phoneNumberId,
      waId: `1555${Date.now().toString().slice(-7)}`,
      name: "Sam Member",
      text: "Is the pool open on Sunday?",
      timestamp: Date.now() - 2 * 86_400_000,
    }),
  );
  // Meta's review rejects one of the approved templates: its webhook reaches Frontdesk.
  const review = await fetch(`${metaUrl()}/__templates/status`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ wabaId: number.wabaId, name: "class_reminder", status: "REJECTED", reason: "INCORRECT_CATEGORY" }),
  });
  expect(review.status).toBe(200);

  await signInAs(page, user);
  await page.getByTestId("conversation-row").first().click();
  await expect(page.getByTestId("composer-closed")).toContainText("only an approved template");
  await expect(page.getByLabel("Reply")).toHaveCount(0);
  const picker = page.getByTestId("template-reply");
  await expect(picker.getByRole("button", { name: /follow_up/ })).toBeEnabled();
  await expect(picker.getByRole("button", { name: /holiday_hours/ })).toBeDisabled();
  const rejected = picker.getByRole("button", { name: /class_reminder/ });
  await expect(rejected).toBeDisabled();
  await expect(rejected).toContainText("Rejected: its category does not match its content");

  await picker.getByLabel("Find a template").fill("follow");
  await expect(picker.getByRole("button")).toHaveCount(1);
  await picker.getByRole("button", { name: /follow_up/ }).click();
  await expect(picker.getByRole("button", { name: "Send template" })).toBeDisabled();
  await picker.getByLabel("{{1}}").fill("Sam");
  await expect(picker.getByTestId("template-preview")).toContainText("Hi Sam, thanks for getting in touch");
  await picker.getByRole("button", { name: "Send template" }).click();
  await expect(
    page.getByTestId("message").filter({ hasText: "Hi Sam, thanks for getting in touch with Iron Temple." }),
  ).toBeVisible();
  await expect(page.getByTestId("message").filter({ hasText: "{{1}}" })).toHaveCount(0);
  const [sent] = await meta.calls(`/${number.phoneNumberId}/messages`);
  expect(sent?.body).toMatchObject({
    type: "template",
    template: {
      name: "follow_up",
      language: { code: "en_US" },
      components: [{ type: "body", parameters: [{ type: "text", text: "Sam" }] }],
    },
  });

  await page.goto("/settings/templates");
  const row = page.getByTestId("template").filter({ hasText: "class_reminder" });
  await expect(row).toContainText("Rejected");
  await expect(row.getByTestId("template-status-reason")).toContainText("its category does not match its content");
  await expect(page.getByRole("link", { name: "Open WhatsApp Manager" })).toHaveAttribute("href", new RegExp(number.wabaId));
  await page.getByRole("button", { name: "Sync" }).click();
  await expect(page.getByText("Synced 6 templates from Meta.")).toBeVisible();
});

test("a template with a header image: the photo is uploaded in the form and WhatsApp fetches the same bytes", async ({
  page,
  data,
}) => {
  const { user, workspaceId, ...number } = await gymWithTemplates({ data }, "agent");
  const { conversationId } = await data.createConversation(workspaceId, { channelAccountId: number.channelAccountId });
  await signInAs(page, user);
  await page.goto(`/inbox/${conversationId}`);
  // The window is open: templates are one click away.
  await page.getByRole("button", { name: "Template" }).click();
  const picker = page.getByTestId("template-reply");
  await picker.getByRole("button", { name: /we_miss_you/ }).click();
  await picker.getByLabel("{{1}}").fill("Iron Temple");
  await expect(picker.getByRole("button", { name: "Send template" })).toBeDisabled();
  await picker.getByLabel("Header image").setInputFiles({ name: "comeback.png", mimeType: "image/png", buffer: PNG_1X1 });
  await expect(picker.getByTestId("file-chip")).toHaveAttribute("data-state", "uploaded");
  await picker.getByRole("button", { name: "Send template" }).click();
  const bubble = page.getByTestId("message").filter({ hasText: "We miss you at Iron Temple!" });
  await expect(bubble.getByTestId("message-template")).toContainText("we_miss_you");
  const sha = createHash("sha256").update(PNG_1X1).digest("hex");
  await expect
    .poll(async () =>
      ((await (await fetch(`${metaUrl()}/__received-media`)).json()) as ReceivedMedia[]).some(
        (file) => file.accountId === number.phoneNumberId && file.sha256 === sha,
      ),
    )
    .toBe(true);
});
