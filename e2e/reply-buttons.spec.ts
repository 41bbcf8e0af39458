import { randomUUID } from "node:crypto";
import { whatsappText, whatsappWebhook } from "../dev/meta/webhooks";
import { expect, gymWithWhatsApp, meta, signInAs, test } from "./fixtures";

test("a WhatsApp reply with two buttons goes as an interactive message, and the member's tap shows in the thread", async ({
  page,
  data,
}) => {
  const gym = await gymWithWhatsApp({ data });
  const waId = `1555${Date.now().toString().slice(-7)}`;
  await meta.webhook(whatsappText({ phoneNumberId: gym.phoneNumberId, waId, name: "Sam", text: "Can I try a class?" }));
  await signInAs(page, gym.user);
  await page.getByTestId("conversation-row").first().click();

  await page.getByLabel("Reply").fill("Shall we book you a trial on Saturday?");
  await page.getByRole("button", { name: "Buttons" }).click();
  await page.getByLabel("Button 1", { exact: true }).fill("Yes, book it");
  await page.getByRole("button", { name: "Add a button" }).click();
  await page.getByLabel("Button 2", { exact: true }).fill("yes, book it");
  await expect(page.getByTestId("reply-buttons")).toContainText("Two buttons have the same title.");
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeDisabled();
  await page.getByLabel("Button 2", { exact: true }).fill("Another day");
  await page.getByRole("button", { name: "Send", exact: true }).click();

  const bubble = page.getByTestId("message").filter({ hasText: "Shall we book you a trial" });
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "sent");
  await expect(bubble.getByTestId("message-buttons")).toContainText("Yes, book it");
  const [sent] = await meta.calls(`/${gym.phoneNumberId}/messages`);
  expect(sent?.body).toMatchObject({ type: "interactive", interactive: { type: "button", action: { buttons: [{}, {}] } } });

  await meta.webhook(
    whatsappWebhook(gym.phoneNumberId, {
      contacts: [{ profile: { name: "Sam" }, wa_id: waId }],
      messages: [
        {
          from: waId,
          id: `wamid.${randomUUID()}`,
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: "interactive",
          interactive: { type: "button_reply", button_reply: { id: "Yes, book it", title: "Yes, book it" } },
        },
      ],
    }),
  );
  await expect(page.getByTestId("message").filter({ hasText: "Tapped:" })).toContainText("Yes, book it");
});
