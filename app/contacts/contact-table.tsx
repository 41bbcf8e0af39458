import { Link } from "@remix-run/react";
import type { ContactSummary } from "../api/types";
import { Avatar, ChannelBadge } from "../ui/channel-badge";
import { relativeTime } from "../ui/time";
import { TagChip } from "./tag-chip";

/** The contacts page's rows: a checkbox each for bulk actions, who it is, where they write from, tags and stage. */
export function ContactTable(props: {
  contacts: ContactSummary[];
  selected: ReadonlySet<string>;
  onSelect: (ids: string[], selected: boolean) => void;
}) {
  const allSelected = props.contacts.length > 0 && props.contacts.every((contact) => props.selected.has(contact.id));
  return (
    <table className="w-full border-collapse rounded-lg border border-slate-200 bg-white text-sm">
      <thead className="bg-slate-50 text-left text-xs uppercase text-slate-600">
        <tr>
          <th scope="col" className="w-8 px-3 py-2">
            <input
              type="checkbox"
              aria-label="Select all shown"
              checked={allSelected}
              onChange={(event) =>
                props.onSelect(
                  props.contacts.map((contact) => contact.id),
                  event.target.checked,
                )
              }
            />
          </th>
          <th scope="col" className="px-3 py-2">
            Contact
          </th>
          <th scope="col" className="px-3 py-2">
            Channels
          </th>
          <th scope="col" className="px-3 py-2">
            Tags
          </th>
          <th scope="col" className="px-3 py-2">
            Stage
          </th>
          <th scope="col" className="px-3 py-2">
            Last contact
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-200">
        {props.contacts.map((contact) => {
          const name = contact.displayName ?? contact.phone ?? contact.email ?? "Unknown member";
          return (
            <tr key={contact.id} data-testid="contact-row">
              <td className="px-3 py-2">
                <input
                  type="checkbox"
                  aria-label={`Select ${name}`}
                  checked={props.selected.has(contact.id)}
                  onChange={(event) => props.onSelect([contact.id], event.target.checked)}
                />
              </td>
              <td className="px-3 py-2">
                <Link to={`/contacts/${contact.id}`} className="flex items-center gap-2 hover:underline">
                  <Avatar name={name} url={contact.avatarUrl} />
                  <span className="min-w-0">
                    <span className="block font-medium">{name}</span>
                    <span className="block text-xs text-slate-600">
                      {[contact.phone, contact.email].filter(Boolean).join(" · ")}
                    </span>
                  </span>
                </Link>
              </td>
              <td className="px-3 py-2">
                <span className="flex gap-1">
                  {contact.providers.map((provider) => (
                    <ChannelBadge key={provider} provider={provider} />
                  ))}
                </span>
              </td>
              <td className="px-3 py-2">
                <span className="flex flex-wrap gap-1">
                  {contact.tags.map((tag) => (
                    <TagChip key={tag.id} tag={tag} />
                  ))}
                </span>
              </td>
              <td className="px-3 py-2">{contact.stage?.name ?? <span className="text-slate-500">—</span>}</td>
              <td className="px-3 py-2 text-slate-700">
                {contact.lastMessageAt ? relativeTime(contact.lastMessageAt) : "Never"}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
