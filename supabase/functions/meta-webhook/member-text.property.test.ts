import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { messengerText, newMid, newWamid, whatsappText } from "../../../dev/meta/webhooks";
import { channelForWebhooks, sendWebhook, superuserSql } from "../../../dev/test/fixtures";

/** Clusters that break naive code: ZWJ families, flags, skin tones, combining marks, RTL, and what Postgres refuses. */
const TRICKY = [
  "👨‍👩‍👧‍👦",
  "🏳️‍🌈",
  "🇬🇧",
  "👍🏽",
  "e\u0301",
  "a\u0301\u0302\u0323",
  "שלום",
  "مرحبا",
  "\u200f",
  "\ufe0f",
  "💪",
  "\u0000",
  "\ud83d",
  "\udc4d",
];
const piece = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ unit: "grapheme", maxLength: 3 }),
  fc.string({ unit: "binary", maxLength: 3 }),
  fc.constantFrom(" ", "\n", "\t  "),
);
const memberText = fc
  .oneof(
    // A tricky cluster at every position around the preview's cut (120 UTF-16 units).
    fc
      .tuple(fc.integer({ min: 110, max: 125 }), fc.constantFrom(...TRICKY), fc.array(piece, { maxLength: 12 }))
      .map(([filler, cluster, rest]) => `${"x".repeat(filler)}${cluster}${rest.join("")}`),
    fc.array(piece, { minLength: 1, maxLength: 90 }).map((pieces) => pieces.join("")),
  )
  .filter((text) => text.length > 0);

/** What the text must be once stored: Postgres holds neither U+0000 nor half a surrogate pair, so those become U+FFFD. */
const storable = (text: string) => text.toWellFormed().replaceAll("\u0000", "\ufffd");
/** Meta escapes everything outside ASCII; a raw UTF-8 body must work as well. */
const asMetaEscapes = (json: string) =>
  json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The inbox preview: the text on one line, or its longest prefix ending between grapheme clusters that leaves room for "…". */
function expectValidPreview(preview: string, text: string) {
  expect(preview.isWellFormed()).toBe(true);
  expect(preview.length).toBeLessThanOrEqual(120);
  const line = text.trim().replace(/\s+/g, " ");
  if (line === "") return expect(preview).toMatch(/^\[.+\]$/);
  if (line.length <= 120) return expect(preview).toBe(line);
  const cuts = [...graphemes.segment(line)].map((segment) => segment.index).filter((index) => index > 0 && index <= 119);
  expect(preview.endsWith("…")).toBe(true);
  expect(line.startsWith(preview.slice(0, -1))).toBe(true);
  if (cuts.length > 0) expect(preview.length - 1).toBe(Math.max(...cuts));
}

let messenger: Awaited<ReturnType<typeof channelForWebhooks>>;
let whatsapp: Awaited<ReturnType<typeof channelForWebhooks>>;
beforeAll(async () => {
  messenger = await channelForWebhooks("messenger");
  whatsapp = await channelForWebhooks("whatsapp");
});

it("any member text, sent through the real normalizer and SQL, is stored exactly with a valid preview", async () => {
  await fc.assert(
    fc.asyncProperty(memberText, fc.boolean(), fc.boolean(), async (text, onWhatsApp, escaped) => {
      const mid = onWhatsApp ? newWamid() : newMid();
      const payload = onWhatsApp
        ? whatsappText({ phoneNumberId: whatsapp.providerAccountId, waId: String(Date.now()), text, id: mid })
        : messengerText({ pageId: messenger.providerAccountId, psid: randomUUID(), text, mid });
      const json = JSON.stringify(payload);
      const response = await sendWebhook(payload, { rawBody: escaped ? asMetaEscapes(json) : json });
      expect(response.status).toBe(200);
      const [row] = await superuserSql()<{ text: string; preview: string }[]>`
        select m.text, c.last_message_preview as preview
        from public.messages m join public.conversations c on c.id = m.conversation_id
        where m.provider_message_id = ${mid}`;
      expect(row?.text).toBe(storable(text));
      expectValidPreview(row?.preview ?? "", storable(text));
    }),
    { numRuns: 150 },
  );
}, 120_000);
