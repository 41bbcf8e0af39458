import { deliverWebhook, messengerText, whatsappText } from "./webhooks";

/** The demo gym's channels, as supabase/seed.sql connects them. */
export const DEMO_CHANNELS = {
  messengerPageId: "105550000000001",
  instagramAccountId: "17841400000000001",
  whatsappPhoneNumberId: "106540352242922",
};

const MEMBERS = [
  { channel: "messenger", id: "7000000000000001" },
  { channel: "messenger", id: "7000000000000002" },
  { channel: "instagram", id: "6100000000000001" },
  { channel: "instagram", id: "6100000000000002" },
  { channel: "whatsapp", id: "16505551234", name: "Sheena Nelson" },
  { channel: "whatsapp", id: "14155550142", name: "Marco Rossi" },
  { channel: "whatsapp", id: "447700900123", name: "Priya Patel" },
] as const;

const LINES = [
  "Hi! Is the 6am spin class still on tomorrow?",
  "Can I freeze my membership for March?",
  "Do you have a student discount?",
  "What time does the sauna close on Sundays?",
  "I left my water bottle in locker 12 😅",
  "Can I bring a friend to the Saturday HIIT session?",
  "My card was charged twice this month",
  "Is there parking near the Main St entrance?",
  "Thanks, see you at yoga tonight!",
  "Could Coach Casey adapt my plan? Knee is sore again",
];

/**
 * Simulated members writing to the demo gym every few seconds, through the real webhook: what a new
 * user of `npm start` sees arriving. Returns a stop function.
 */
export function startDemoTraffic(options: {
  webhookUrl: string;
  appSecret: string;
  everyMs: number;
  onLog: (line: string) => void;
}) {
  let turn = 0;
  const timer = setInterval(async () => {
    const member = MEMBERS[turn % MEMBERS.length];
    const text = LINES[(turn * 7) % LINES.length] ?? "Hi!";
    turn += 1;
    if (!member) return;
    const payload =
      member.channel === "whatsapp"
        ? whatsappText({ phoneNumberId: DEMO_CHANNELS.whatsappPhoneNumberId, waId: member.id, name: member.name, text })
        : messengerText({
            object: member.channel === "instagram" ? "instagram" : "page",
            pageId: member.channel === "instagram" ? DEMO_CHANNELS.instagramAccountId : DEMO_CHANNELS.messengerPageId,
            psid: member.id,
            text,
          });
    try {
      const response = await deliverWebhook(options.webhookUrl, payload, { appSecret: options.appSecret });
      options.onLog(`demo member on ${member.channel} wrote → webhook ${response.status}`);
    } catch (error) {
      options.onLog(`demo webhook failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }, options.everyMs);
  return () => clearInterval(timer);
}
