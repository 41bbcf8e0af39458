import { expect, signInAs, test } from "./fixtures";

// A phone: narrow, touch, no mouse.
test.use({ viewport: { width: 390, height: 800 }, hasTouch: true, isMobile: true });

test("at phone width the member's name is readable, the details fit on a line, and no keyboard hints show", async ({
  page,
  data,
}) => {
  const { user, workspaceId } = await data.memberOfNewWorkspace("agent", "Iron Temple Gym & Wellness Centre Uptown");
  const { conversationId } = await data.createConversation(workspaceId, { contactName: "Sheena Nelson-Whitfield" });
  await signInAs(page, user);

  // The header: one line each for the workspace pill and Sign out.
  const pill = page.getByTestId("workspace-name");
  const lineHeight = async (locator: ReturnType<typeof page.locator>) =>
    locator.evaluate((node) => node.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(node).lineHeight));
  expect(await lineHeight(pill)).toBeLessThan(1.9);
  expect(await lineHeight(page.getByRole("button", { name: "Sign out" }))).toBeLessThan(1.9);

  await page.goto(`/inbox/${conversationId}`);
  const name = page.getByTestId("conversation-name");
  await expect(name).toHaveText("Sheena Nelson-Whitfield");
  // Shown whole: not cut to "S…".
  expect(await name.evaluate((node) => node.scrollWidth <= node.clientWidth)).toBe(true);
  expect(await lineHeight(page.getByTestId("conversation-meta"))).toBeLessThan(1.9);

  await expect(page.getByLabel("Reply")).toHaveAttribute("placeholder", "Reply…");
  await page.getByRole("button", { name: "Details" }).click();
  await expect(page.getByRole("button", { name: "Archive", exact: true })).toBeVisible();
  await page.screenshot({ path: "e2e/artifacts/phone-thread.png" });
});
