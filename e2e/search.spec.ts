import { expect, signInAs, test } from "./fixtures";

test("a search finds a member whatever the status or archive, however the phone is typed, and shows what matched", async ({
  page,
  data,
}) => {
  const { user, workspaceId } = await data.memberOfNewWorkspace("agent");
  await data.createConversation(workspaceId, { contactName: "Priya Shah", status: "pending", phone: "+14155550142" });
  const archived = await data.createConversation(workspaceId, { contactName: "Marco Rossi", archived: true, status: "resolved" });
  await data.addMessage(archived.conversationId, { text: "Can I pause my locker rental over the summer?" });
  await data.addMessage(archived.conversationId, { text: "Thanks, see you" });
  await signInAs(page, user);
  const rows = page.getByTestId("conversation-row");
  // The default Open filter: neither shows.
  await expect(page.getByText("No conversations")).toBeVisible();

  await page.getByLabel("Search conversations").fill("Priya");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Priya Shah");
  await expect(rows.first().getByTestId("conversation-status")).toHaveText("Pending");
  await expect(page.getByTestId("search-scope")).toHaveText("Searching every status and the archive.");

  for (const typed of ["+1 415 555 0142", "(415) 555-0142", "4155550142"]) {
    await page.getByLabel("Search conversations").fill(typed);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("Priya Shah");
  }

  await page.getByLabel("Search conversations").fill("locker");
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId("conversation-status")).toHaveText("ResolvedArchived");
  // The message that matched, not the latest one, with the term marked.
  await expect(rows.first().getByTestId("conversation-line")).toHaveText("Can I pause my locker rental over the summer?");
  await expect(rows.first().locator("mark")).toHaveText("locker");
  await page.screenshot({ path: "e2e/artifacts/search.png" });

  // The search is in the URL: a reload keeps it.
  await page.reload();
  await expect(page.getByLabel("Search conversations")).toHaveValue("locker");
  await expect(rows).toHaveCount(1);
});
