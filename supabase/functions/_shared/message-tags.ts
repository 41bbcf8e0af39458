/**
 * The message tags Meta lets a business use on Messenger once the 24-hour window has closed, that fit a gym, each with
 * Meta's rule in one sentence. (HUMAN_AGENT, for up to 7 days, is the workspace setting's, and the only tag Instagram
 * takes.) The sender picks one explicitly; Postgres keeps it on the reply and audits it (app.tag_outgoing_message).
 */
export const MESSAGE_TAGS = {
  CONFIRMED_EVENT_UPDATE: {
    label: "Confirmed event update",
    rule: "Only about an event the member has registered for, such as a booked class or trial: a reminder or a change.",
  },
  ACCOUNT_UPDATE: {
    label: "Account update",
    rule: "Only a change to the member's account or membership, such as a payment problem or an expiring plan; never a promotion.",
  },
  POST_PURCHASE_UPDATE: {
    label: "Post-purchase update",
    rule: "Only about something the member has bought, such as a receipt or an update on an order.",
  },
} as const;

export type MessageTag = keyof typeof MESSAGE_TAGS;
export const MESSAGE_TAG_NAMES = Object.keys(MESSAGE_TAGS) as [MessageTag, ...MessageTag[]];
