import { describe, expect, it } from "vitest";
import { CONVERSATION_EVENT_FIELDS } from "../../app/inbox/live-cache";
import { BROADCAST_STATUSES, RECIPIENT_STATUSES, SKIP_REASONS } from "../../server/services/broadcast-shape";
import { messageSchema } from "../../server/services/message-shape";
import { CHANNEL_PROVIDERS, CHANNEL_STATUSES } from "../../supabase/functions/_shared/channel-providers";
import { type FIELD_TYPES, fieldValueProblem, TAG_COLOURS } from "../../supabase/functions/_shared/contact-taxonomy";
import { MESSAGE_KINDS } from "../../supabase/functions/_shared/message-kinds";
import { MESSAGE_TAG_NAMES } from "../../supabase/functions/_shared/message-tags";
import { EVENT_FIELDS, TEMPLATE_EVENT_FIELDS } from "../../supabase/functions/_shared/meta-events";
import { MIME_ALIASES, OUTBOUND_MEDIA_RULES, outboundMediaRule } from "../../supabase/functions/_shared/outbound-media";
import { REPLY_BUTTON_LIMITS } from "../../supabase/functions/_shared/reply-buttons";
import { superuserSql } from "../test/fixtures";

/**
 * Where SQL must spell out a shape TypeScript defines (an enum, a record's fields, a broadcast's keys), the two
 * are compared here: a field added on one side only fails a test instead of vanishing quietly.
 */
const sorted = (values: Iterable<string>) => [...values].sort();

/** The columns a function reads its `events` jsonb into (`jsonb_to_recordset(events) as (…)`). */
const eventColumns = (source: string) =>
  (/jsonb_to_recordset\(events\) as \(([^)]*)\)/s.exec(source)?.[1] ?? "")
    .split(",")
    .map((column) => column.trim().split(/\s+/)[0]?.replaceAll('"', "") ?? "")
    .filter(Boolean);

const enumLabels = async (type: string) =>
  (
    await superuserSql()<{ label: string }[]>`
      select e.enumlabel as label from pg_enum e where e.enumtypid = ${type}::regtype order by e.enumsortorder`
  ).map((row) => row.label);

const functionSource = async (signature: string) =>
  (await superuserSql()<{ source: string }[]>`select pg_get_functiondef(${signature}::regprocedure) as source`)[0]?.source ?? "";

/** The keys a jsonb_build_object(...) in a function's source names ('key', value), in order. */
const builtKeys = (source: string) => [...source.matchAll(/'(\w+)',\s/g)].map((match) => match[1] ?? "");

describe("SQL and TypeScript agree", () => {
  it("on what each channel takes as a reply's file: every rule and alias, and the rule a type falls under", async () => {
    const rows = await superuserSql()<{ provider: string; type: string; mime_type: string; max_bytes: string }[]>`
      select provider::text, type, mime_type, max_bytes::text from app.outbound_media_rules()`;
    const inTypeScript = Object.entries(OUTBOUND_MEDIA_RULES).flatMap(([provider, rules]) =>
      rules.flatMap((rule) => rule.mimeTypes.map((mime) => `${provider} ${rule.type} ${mime} ${rule.maxBytes}`)),
    );
    expect(sorted(rows.map((r) => `${r.provider} ${r.type} ${r.mime_type} ${r.max_bytes}`))).toEqual(sorted(inTypeScript));
    const aliases = await superuserSql()<
      { alias: string; mime_type: string }[]
    >`select alias, mime_type from app.outbound_mime_aliases()`;
    expect(Object.fromEntries(aliases.map((a) => [a.alias, a.mime_type]))).toEqual(MIME_ALIASES);
    for (const [provider, mime] of [
      ["whatsapp", "audio/x-m4a"],
      ["whatsapp", "image/gif"],
      ["messenger", "application/zip"],
      ["instagram", "Image/JPG; q=1"],
    ] as const) {
      const [rule] = await superuserSql()<{ type: string }[]>`select type from app.outbound_media_rule(${provider}, ${mime})`;
      expect(rule?.type ?? null, `${provider} ${mime}`).toBe(outboundMediaRule(provider, mime)?.type ?? null);
    }
  });

  it("on the enums: message kinds, channel providers and statuses", async () => {
    expect(sorted(await enumLabels("public.message_kind"))).toEqual(sorted(MESSAGE_KINDS));
    expect(await enumLabels("public.channel_provider")).toEqual([...CHANNEL_PROVIDERS]);
    expect(await enumLabels("public.channel_status")).toEqual([...CHANNEL_STATUSES]);
    expect(await enumLabels("public.message_sender")).toEqual(messageSchema.shape.sender.options);
  });

  it("on broadcasts: the statuses their checks allow, and the reasons app.broadcast_audience skips a contact for", async () => {
    const allowed = async (constraint: string) => {
      const [row] = await superuserSql()<{ definition: string }[]>`
        select pg_get_constraintdef(oid) as definition from pg_constraint where conname = ${constraint}`;
      return [...(row?.definition ?? "").matchAll(/'([a-z_]+)'::text/g)].map((match) => match[1]);
    };
    expect(await allowed("broadcasts_status_check")).toEqual([...BROADCAST_STATUSES]);
    expect(await allowed("broadcast_recipients_status_check")).toEqual([...RECIPIENT_STATUSES]);
    const [audience] = await superuserSql()<{ source: string }[]>`
      select prosrc as source from pg_proc where proname = 'broadcast_audience'`;
    const reasons = [...(audience?.source ?? "").matchAll(/then '([a-z_]+)'/g)].map((match) => match[1] ?? "");
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(Object.keys(SKIP_REASONS)).toContain(reason);
  });

  it("on the normalized event: app.apply_meta_events reads every field and nothing else", async () => {
    const names = eventColumns(await functionSource("app.apply_meta_events(jsonb)"));
    // `webhook` rides along only inside a call of several (ingest-together.ts eventsOfCall).
    expect(sorted(names)).toEqual(sorted([...Object.keys(EVENT_FIELDS), "webhook"]));
  });

  it("on the message tags: app.message_tags() is message-tags.ts's list", async () => {
    const rows = await superuserSql()<{ tag: string }[]>`select app.message_tags() as tag`;
    expect(sorted(rows.map((row) => row.tag))).toEqual(sorted(MESSAGE_TAG_NAMES));
  });

  it("on contacts: app.tag_colours() is contact-taxonomy.ts's list, and Postgres accepts a field value when it does", async () => {
    const rows = await superuserSql()<{ colour: string }[]>`select app.tag_colours() as colour`;
    expect(rows.map((row) => row.colour)).toEqual([...TAG_COLOURS]);
    const cases: [keyof typeof FIELD_TYPES, unknown][] = [
      ["text", "Gold"],
      ["text", ""],
      ["text", 3],
      ["number", 12.5],
      ["number", "12"],
      ["date", "2027-01-31"],
      ["date", "31/01/2027"],
      ["select", "Gold"],
      ["select", "Bronze"],
      ["checkbox", true],
      ["checkbox", "yes"],
    ];
    for (const [type, value] of cases) {
      const options = type === "select" ? ["Gold", "Silver"] : [];
      const [row] = await superuserSql()<{ valid: boolean }[]>`
        select app.field_value_valid(${type}, ${options}::text[], ${superuserSql().json(value as string)}::jsonb) as valid`;
      const field = { type, label: "F", options };
      expect(row?.valid, `${type} ${JSON.stringify(value)}`).toBe(fieldValueProblem(field, value as string) === null);
    }
  });

  it("on reply buttons: app.reply_button_limit is reply-buttons.ts's", async () => {
    for (const provider of CHANNEL_PROVIDERS) {
      const [row] = await superuserSql()<{ limit: number }[]>`select app.reply_button_limit(${provider}) as limit`;
      expect(row?.limit, provider).toBe(REPLY_BUTTON_LIMITS[provider]);
    }
  });

  it("on the template event: app.routed_template_events reads every field and nothing else", async () => {
    const names = eventColumns(await functionSource("app.routed_template_events(jsonb)"));
    expect(sorted(names)).toEqual(sorted([...Object.keys(TEMPLATE_EVENT_FIELDS), "webhook"]));
  });

  it("on the message: app.message_event builds exactly the fields of the message schema", async () => {
    const keys = builtKeys(await functionSource("app.message_event(public.messages)"));
    expect(sorted(keys)).toEqual(sorted(Object.keys(messageSchema.shape)));
  });

  it("on the conversation broadcast: app.conversation_event's keys, and the columns whose change is news", async () => {
    const source = await functionSource("app.conversation_event(public.conversations)");
    expect(sorted(builtKeys(source))).toEqual(sorted(Object.keys(CONVERSATION_EVENT_FIELDS)));
    const shown = [...source.matchAll(/'\w+',\s*c\.(\w+)/g)].map((match) => match[1] ?? "");
    const compared =
      /where \(([^)]*)\)\s*is distinct from/s.exec(await functionSource("app.broadcast_conversations()"))?.[1] ?? "";
    const columns = compared.split(",").map((column) => column.trim().replace(/^n\./, ""));
    // The id never changes; every other column it shows is compared.
    expect(sorted(columns)).toEqual(sorted(shown.filter((column) => column !== "id")));
  });
});
