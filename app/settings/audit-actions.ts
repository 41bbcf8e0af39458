import type { AuditPage } from "../api/types";

type Entry = AuditPage["items"][number];

/** What each audited action reads as (the actions app.audit writes; an unknown one shows as it is written). */
export const ACTION_LABELS: Record<string, string> = {
  "conversation.assigned": "Assigned a conversation",
  "conversation.status_changed": "Changed a conversation's status",
  "conversation.archived": "Archived a conversation",
  "conversation.unarchived": "Unarchived a conversation",
  "conversation.marked_read": "Marked a conversation read",
  "message.queued": "Sent a reply",
  "message.media_retried": "Fetched a member's media again",
  "contact.updated": "Edited a contact",
  "contact.fields_changed": "Filled in a contact's fields",
  "contact.stage_changed": "Moved a contact in the pipeline",
  "contact.merged": "Merged two contacts",
  "contacts.import_started": "Imported contacts from CSV",
  "tag.created": "Created a tag",
  "tag.edited": "Renamed or recoloured a tag",
  "tag.deleted": "Deleted a tag",
  "tag.merged": "Merged a tag into another",
  "tag.applied": "Tagged contacts",
  "tag.removed": "Took a tag off contacts",
  "stage.created": "Added a pipeline stage",
  "stage.renamed": "Renamed a pipeline stage",
  "stage.reordered": "Reordered the pipeline",
  "stage.deleted": "Deleted a pipeline stage",
  "contact_field.created": "Added a custom field",
  "contact_field.edited": "Edited a custom field",
  "contact_field.deleted": "Deleted a custom field",
  "channel.connected": "Connected a channel",
  "channel.reconnected": "Reconnected a channel",
  "channel.disconnected": "Disconnected a channel",
  "channel.removed": "Removed a channel",
  "team.invited": "Invited someone",
  "team.resent": "Sent an invitation again",
  "team.invite_revoked": "Revoked an invitation",
  "team.joined": "Joined the team",
  "team.role_changed": "Changed someone's role",
  "team.removed": "Removed someone from the team",
  "workspace.created": "Created the gym",
};

const text = (value: unknown) => (typeof value === "string" ? value : null);

/** The detail worth a line under the action: the address invited, the roles before and after, what was released. */
export function detailOf(entry: Entry, nameOf: (userId: string | null) => string | null): string | null {
  const m = entry.metadata;
  switch (entry.action) {
    case "tag.created":
    case "tag.edited":
    case "tag.deleted":
    case "stage.created":
    case "stage.renamed":
    case "stage.deleted":
      return text(m.name);
    case "tag.applied":
    case "tag.removed":
      return `${String(m.contacts ?? "")} contacts`;
    case "contact_field.created":
    case "contact_field.edited":
    case "contact_field.deleted":
      return text(m.key) ? `{{contact.${text(m.key)}}}` : null;
    case "contacts.import_started":
      return text(m.file);
    case "team.invited":
    case "team.resent":
      return `${text(m.email) ?? ""} as ${text(m.role) ?? "agent"}`;
    case "team.invite_revoked":
      return text(m.email);
    case "team.role_changed":
      return `${nameOf(entry.entityId) ?? "A teammate"}: ${text(m.from) ?? "?"} → ${text(m.to) ?? "?"}`;
    case "team.removed":
      return `${nameOf(entry.entityId) ?? "A former teammate"} (${text(m.role) ?? "member"}); ${Number(m.unassignedConversations ?? 0)} conversation(s) unassigned`;
    case "conversation.assigned":
      return m.to ? `to ${nameOf(text(m.to)) ?? "a former teammate"}` : "unassigned";
    case "conversation.status_changed":
      return text(m.to) ? `to ${text(m.to)}` : null;
    default:
      return null;
  }
}
