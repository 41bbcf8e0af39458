import { expect, gymWithPage, test } from "./fixtures";

test("archiving with e says so and can be undone; an unarchived conversation is back in the list at once", async ({
  page,
  data,
}) => {
  const gym = await gymWithPage({ page, data }, "agent");
  await gym.memberWrites("Please archive me");
  await page.reload();
  const row = page.getByTestId("conversation-row").filter({ hasText: "Please archive me" });
  await row.click();
  await expect(page.getByRole("region", { name: /Conversation with/ })).toContainText("Please archive me");
  await page.keyboard.press("e");
  await expect(page.getByTestId("toast")).toContainText("Conversation archived.");
  await page.getByTestId("toast").getByRole("button", { name: "Undo" }).click();
  await expect
    .poll(
      async () => (await data.sql()`select archived_at from public.conversations where channel_account_id = ${gym.channelId}`)[0],
    )
    .toEqual({ archived_at: null });
  // As a person would: press e again once the inbox shows it back (its Archive button offers e again).
  await expect(page.locator('[aria-keyshortcuts="e"]')).toHaveCount(1);

  await page.keyboard.press("e");
  await expect(page.getByTestId("toast")).toContainText("Conversation archived.");
  await page.getByTestId("conversation-row").first().isVisible();
  await page.goto("/inbox?archived=1");
  await page.getByTestId("conversation-row").filter({ hasText: "Please archive me" }).click();
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.getByRole("complementary", { name: "Contact details" }).getByRole("button", { name: "Unarchive" }).click();
  await page.getByLabel("Archived").uncheck();
  // Straight from the answer to the unarchive, not a later refetch.
  await expect(row).toBeVisible({ timeout: 1_500 });
});

test("status changes confirm with Undo; saving notes says so; bad input names the field and the limit", async ({
  page,
  data,
}) => {
  const gym = await gymWithPage({ page, data }, "agent");
  await data.sql()`insert into public.tags (workspace_id, name) values (${gym.workspaceId}, 'vip')`;
  await gym.memberWrites("Hello");
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.reload();
  await page.getByTestId("conversation-row").first().click();
  const details = page.getByRole("complementary", { name: "Contact details" });

  await details.getByLabel("Status").selectOption("resolved");
  await expect(page.getByTestId("toast")).toContainText("Marked resolved.");
  await page.getByTestId("toast").getByRole("button", { name: "Undo" }).click();
  await expect(details.getByLabel("Status")).toHaveValue("open");

  // A bad tag is refused on its own, with the limit named; the notes still save.
  await details.getByLabel("Add a tag").fill("x".repeat(41));
  await details.getByLabel("Add a tag").press("Enter");
  await expect(details.getByTestId("tags-help")).toHaveText("A tag can be at most 40 characters (this one has 41).");
  await details.getByLabel("Notes").fill("Prefers mornings");
  await details.getByRole("button", { name: "Save notes" }).click();
  await expect(page.getByTestId("toast")).toContainText("Notes saved.");
  await expect(details.getByText("Unsaved changes.")).toHaveCount(0);

  // Agents apply the gym's tags; inventing one is for managers and admins.
  await details.getByLabel("Add a tag").fill("newcomer");
  await details.getByLabel("Add a tag").press("Enter");
  await expect(details.getByTestId("tags-help")).toHaveText(
    "There is no tag “newcomer”. Pick an existing tag; managers and admins create new ones.",
  );
  await details.getByLabel("Add a tag").fill("VIP");
  await details.getByLabel("Add a tag").press("Enter");
  await expect(details.getByRole("listitem").filter({ hasText: "vip" })).toBeVisible();
  await details.getByLabel("Add a tag").fill("vip");
  await details.getByLabel("Add a tag").press("Enter");
  await expect(details.getByTestId("tags-help")).toHaveText("“vip” is already a tag.");

  await details.getByLabel("Notes").fill("x".repeat(10_001));
  await expect(details.getByText("Notes can be at most 10,000 characters (10,001 now).")).toBeVisible();
  await expect(details.getByRole("button", { name: "Save notes" })).toBeDisabled();
  const [contact] = await data.sql()`
    select ct.notes, array(select t.name from public.contact_tags ctg join public.tags t on t.id = ctg.tag_id
                           where ctg.contact_id = ct.id) as tags
    from public.contacts ct where ct.workspace_id = ${gym.workspaceId}`;
  expect(contact).toEqual({ notes: "Prefers mornings", tags: ["vip"] });
});
