import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router";

type Outputs = inferRouterOutputs<AppRouter>;
type Data<T> = Extract<T, { success: true }> extends { data: infer D } ? D : never;

export type ConversationSummary = Data<Outputs["conversations"]["get"]>;
export type Message = Data<Outputs["messages"]["send"]>;
export type Contact = Data<Outputs["contacts"]["get"]>;
export type TeamMember = Data<Outputs["team"]["list"]>[number];
export type TeamRoster = Data<Outputs["team"]["roster"]>;
export type AuditPage = Data<Outputs["audit"]["list"]>;
export type NotificationList = Data<Outputs["notifications"]["list"]>;
export type NotificationPreferences = Data<Outputs["notifications"]["preferences"]>;
export type SavedReply = Data<Outputs["savedReplies"]["list"]>["replies"][number];
export type WhatsAppTemplate = Data<Outputs["templates"]["list"]>["templates"][number];
export type TemplateAccount = Data<Outputs["templates"]["list"]>["accounts"][number];
export type ConversationPageResult = Outputs["conversations"]["list"];
export type ConversationListItem = Data<ConversationPageResult>["items"][number];
export type MessagePageResult = Outputs["messages"]["list"];
export type Channel = Data<Outputs["channels"]["list"]>[number];
export type { NotConfirmedCode } from "../../server/services/message-shape";
export type WorkspaceHealth = Data<Outputs["health"]["workspace"]>;
