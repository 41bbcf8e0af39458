import { describe, expect, it } from "vitest";
import { addMessage, callerFor, createConversation, memberOfNewWorkspace } from "../../../dev/test/fixtures";

describe("messages.list", () => {
  it("pages newest first with hasMore, stable while new messages arrive", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const { conversationId } = await createConversation(workspaceId);
    const sameInstant = new Date(Date.now() - 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push(
        await addMessage(conversationId, {
          text: `m${i}`,
          createdAt: i < 4 ? sameInstant : new Date(Date.now() - 50_000 + i * 1000),
        }),
      );
    }
    const caller = await callerFor(session.access_token);

    const first = await caller.messages.list({ conversationId, limit: 5 });
    if (!first.success) throw new Error(first.error.code);
    expect(first.data.hasMore).toBe(true);
    expect(first.data.items.map((m) => m.text)).toEqual(["m11", "m10", "m9", "m8", "m7"]);

    await addMessage(conversationId, { text: "new" });
    const seen = [...first.data.items.map((m) => m.id)];
    let cursor = first.data.nextCursor;
    while (cursor) {
      const page = await caller.messages.list({ conversationId, limit: 5, cursor });
      if (!page.success) throw new Error(page.error.code);
      seen.push(...page.data.items.map((m) => m.id));
      cursor = page.data.nextCursor;
      expect(page.data.hasMore).toBe(cursor !== null);
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it("hides what a member unsent", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const { conversationId } = await createConversation(workspaceId);
    await addMessage(conversationId, { text: "oops, wrong chat", deleted: true });
    const result = await (await callerFor(session.access_token)).messages.list({ conversationId });
    expect(result).toMatchObject({
      success: true,
      data: { items: [{ text: null, attachments: [], deletedAt: expect.any(Date) }] },
    });
    expect(JSON.stringify(result)).not.toContain("wrong chat");
  });
});
