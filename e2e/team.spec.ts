import { randomUUID } from "node:crypto";
import { linkIn, nthEmailTo } from "../dev/test/mailbox";
import { expect, gymWithPage, meta, signInAs, test } from "./fixtures";

const mailUrl = () => process.env.E2E_MAIL_URL ?? "";
const newAddress = (who: string) => `${who}-${randomUUID().slice(0, 8)}@harbour-strength.test`;

test("an admin invites a manager by email; the manager sets a password, sees the inbox, and Team only read-only", async ({
  page,
  browser,
  data,
}) => {
  const gymName = `Gym ${randomUUID().slice(0, 5)}`;
  const { user } = await data.memberOfNewWorkspace("admin", gymName);
  await signInAs(page, user);
  await page.goto("/settings/team");
  const email = newAddress("manager");

  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("manager");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("toast")).toHaveText(`Invitation sent to ${email}.`);
  await expect(page.getByTestId("team-invite")).toContainText(email);

  // The invitee, in a browser of their own, follows the email's link.
  const link = linkIn(await nthEmailTo(mailUrl(), email), "/auth/confirm");
  expect(link.searchParams.get("type")).toBe("invite");
  const theirs = await browser.newContext();
  const invitee = await theirs.newPage();
  await invitee.goto(link.toString());
  await expect(invitee.getByRole("heading", { name: "Welcome to Frontdesk" })).toBeVisible();
  await invitee.getByLabel("Your name").fill("Morgan Lee");
  await invitee.getByLabel("Password").fill("short");
  await invitee.getByRole("button", { name: "Save and open the inbox" }).click();
  await expect(invitee.getByText("At least 12 characters.").last()).toBeVisible();
  await invitee.getByLabel("Password").fill("morgan's long password");
  await invitee.getByRole("button", { name: "Save and open the inbox" }).click();
  await expect(invitee).toHaveURL(/\/inbox$/);
  await expect(invitee.getByTestId("workspace-name")).toHaveText(gymName);

  await invitee.goto("/settings/team");
  await expect(invitee.getByText("Only admins can invite people, change roles or remove anyone.")).toBeVisible();
  await expect(invitee.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
  await expect(invitee.getByRole("button", { name: "Remove" })).toHaveCount(0);
  await expect(invitee.getByTestId("team-member").filter({ hasText: "Morgan Lee" })).toContainText("Manager");
  await theirs.close();
  // A used invitation link says so, and what to do.
  const later = await browser.newContext();
  const again = await later.newPage();
  await again.goto(link.toString());
  await expect(again.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  await expect(again.getByText("An invitation? Ask your gym's admin to send it again.")).toBeVisible();
  await later.close();

  // The admin sees them joined, with no invitation left open; the link has done its work.
  await page.reload();
  await expect(page.getByTestId("team-member").filter({ hasText: "Morgan Lee" })).toBeVisible();
  await expect(page.getByTestId("team-invite")).toHaveCount(0);
});

test("an agent the admin removes is refused from their next request; the last admin cannot be removed", async ({
  page,
  browser,
  data,
}) => {
  const { user: admin, workspaceId } = await data.memberOfNewWorkspace("admin");
  const agent = await data.createUser("agent");
  await data.sql()`insert into public.memberships (workspace_id, user_id, role) values (${workspaceId}, ${agent.id}, 'agent')`;
  await data.createConversation(workspaceId, { contactName: "Riley Member", assigneeId: agent.id });
  const theirs = await browser.newContext();
  const agentPage = await theirs.newPage();
  await signInAs(agentPage, agent);
  await expect(agentPage.getByTestId("conversation-row")).toHaveCount(1);

  await signInAs(page, admin);
  await page.goto("/settings/team");
  const agentRow = page.getByTestId("team-member").filter({ hasText: agent.email });
  await agentRow.getByRole("button", { name: "Remove" }).click();
  await agentRow.getByRole("button", { name: /^Remove agent-/ }).click();
  await expect(page.getByTestId("toast")).toHaveText("Removed from the team. Their conversations are unassigned.");
  await expect(page.getByTestId("team-member")).toHaveCount(1);

  const adminRow = page.getByTestId("team-member").filter({ hasText: "(you)" });
  await adminRow.getByRole("button", { name: "Remove" }).click();
  await adminRow.getByRole("button", { name: /^Remove admin-/ }).click();
  await expect(page.getByTestId("toast")).toHaveText("A gym needs at least one admin. Make someone else an admin first.");

  await agentPage.reload();
  await expect(agentPage.getByTestId("conversation-row")).toHaveCount(0);
  await theirs.close();
});

test("a forgotten password is reset through the emailed link; an unknown address is answered the same", async ({
  page,
  data,
}) => {
  const { user } = await data.memberOfNewWorkspace("agent");
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  await page.getByLabel("Email").fill(newAddress("nobody"));
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();

  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByText(`If ${user.email} has a Frontdesk account, a reset link is on its way.`)).toBeVisible();
  const link = linkIn(await nthEmailTo(mailUrl(), user.email), "/auth/confirm");
  expect(link.searchParams.get("type")).toBe("recovery");
  await page.goto(link.toString());
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("Password").fill("a brand new long password");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await expect(page).toHaveURL(/\/inbox$/);

  await page.context().clearCookies();
  await signInAs(page, { email: user.email, password: "a brand new long password" });
  await expect(page).toHaveURL(/\/inbox/);
  await page.goto(link.toString());
  await expect(page.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
});

test("the audit log shows the assignment just made, and filters by action", async ({ page, data }) => {
  const { user, workspaceId } = await data.memberOfNewWorkspace("admin");
  await data.createConversation(workspaceId, { contactName: "Jordan Member" });
  await signInAs(page, user);
  await page.getByTestId("conversation-row").first().click();
  const thread = page.getByRole("region", { name: /^Conversation with/ });
  await thread.getByRole("button", { name: "Assign to me" }).click();
  await expect(thread.getByRole("button", { name: "Assign to me" })).toHaveCount(0);

  await page.goto("/settings/audit");
  const assigned = page.getByTestId("audit-entry").filter({ hasText: "Assigned a conversation" });
  await expect(assigned).toHaveCount(1);
  await expect(assigned).toContainText(user.email);
  await expect(assigned).toContainText(`to ${user.email}`);
  await page.getByLabel("Action").selectOption("conversation.status_changed");
  await expect(page.getByText("Nothing matches these filters.")).toBeVisible();
  await expect(page).toHaveURL(/action=conversation.status_changed/);
  await page.getByLabel("Action").selectOption("conversation.assigned");
  await expect(page.getByTestId("audit-entry")).toHaveCount(1);
});

test("a private note with an @mention notifies the teammate mentioned, and never reaches Meta", async ({
  page,
  browser,
  data,
}) => {
  const { user, workspaceId } = await data.memberOfNewWorkspace("agent");
  const colleague = await data.createUser("coach");
  await data.sql()`insert into public.memberships (workspace_id, user_id, role) values (${workspaceId}, ${colleague.id}, 'agent')`;
  await data.sql()`update auth.users set raw_user_meta_data = '{"full_name": "Casey Coach"}' where id = ${colleague.id}`;
  const { conversationId, channelAccountId } = await data.createConversation(workspaceId, { contactName: "Jordan Member" });
  const [account] = await data.sql()<{ id: string }[]>`
    select provider_account_id as id from public.channel_accounts where id = ${channelAccountId}`;

  await signInAs(page, user);
  await page.getByTestId("conversation-row").first().click();
  await page.getByRole("button", { name: "Private note" }).click();
  const note = page.getByLabel("Private note");
  await note.pressSequentially("Please call back @cas");
  await page
    .getByRole("listbox", { name: "Teammates to mention" })
    .getByRole("option", { name: /Casey Coach/ })
    .click();
  await note.pressSequentially("about the freeze");
  await note.press("Enter");
  const shown = page.getByTestId("note");
  await expect(shown).toContainText("Private note · not sent to the member");
  await expect(shown).toContainText("Please call back @Casey Coach about the freeze");

  const theirs = await browser.newContext();
  const coach = await theirs.newPage();
  await signInAs(coach, colleague);
  await expect(coach.getByTestId("notifications-unread")).toHaveText("1");
  await expect(coach).toHaveTitle(/🔔1/);
  await coach.getByTestId("notifications-button").click();
  await coach.getByTestId("notification").first().click();
  await expect(coach).toHaveURL(new RegExp(`/inbox/${conversationId}$`));
  await expect(coach.getByTestId("note")).toContainText("about the freeze");
  await expect(coach.getByTestId("notifications-unread")).toHaveCount(0);
  await theirs.close();

  expect(await meta.calls(`/${account?.id}/messages`)).toEqual([]);
});

test("two agents on one conversation see each other there and typing, and a reply right after a teammate's asks first", async ({
  page,
  browser,
  data,
}) => {
  const gym = await gymWithPage({ page, data }, "agent");
  const colleague = await data.createUser("coach");
  await data.sql()`insert into public.memberships (workspace_id, user_id, role) values (${gym.workspaceId}, ${colleague.id}, 'agent')`;
  await data.sql()`update auth.users set raw_user_meta_data = '{"full_name": "Casey Coach"}' where id = ${colleague.id}`;
  await data.sql()`update auth.users set raw_user_meta_data = '{"full_name": "Alex Agent"}' where id = ${gym.user.id}`;
  await gym.memberWrites("Is the sauna open today?");
  await page.reload();
  await page.getByTestId("conversation-row").first().click();

  const theirs = await browser.newContext();
  const coach = await theirs.newPage();
  await signInAs(coach, colleague);
  await coach.getByTestId("conversation-row").first().click();
  await expect(page.getByTestId("conversation-viewers")).toHaveText("Also here: Casey Coach");
  await expect(coach.getByTestId("conversation-viewers")).toHaveText("Also here: Alex Agent");

  await coach.getByLabel("Reply").pressSequentially("Yes, until 9");
  await expect(page.getByTestId("typing")).toHaveText("Casey Coach is writing a reply…");
  await coach.getByLabel("Reply").press("Enter");
  await expect(coach.getByTestId("message-status").last()).toHaveAttribute("data-status", "sent");

  await expect(page.getByTestId("message").filter({ hasText: "Yes, until 9" })).toBeVisible();
  await page.getByLabel("Reply").fill("It is open until 9 pm");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("recent-reply-warning")).toContainText("Casey Coach replied to this member");
  expect(await meta.calls(`/${gym.pageId}/messages`)).toHaveLength(1);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("message").filter({ hasText: "It is open until 9 pm" })).toBeVisible();
  await expect.poll(async () => (await meta.calls(`/${gym.pageId}/messages`)).length).toBe(2);

  await theirs.close();
  await expect(page.getByTestId("conversation-viewers")).toHaveCount(0);
});
