import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigate, useParams } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { ContactDetails } from "../contacts/contact-details";
import { ContactFields } from "../contacts/contact-fields";
import { ContactStage } from "../contacts/contact-stage";
import { ContactTimeline } from "../contacts/contact-timeline";
import { ContactsFrame } from "../contacts/contacts-frame";
import { MergeContacts } from "../contacts/merge-contacts";
import { useTaxonomy } from "../contacts/use-taxonomy";
import { ContactNotes } from "../inbox/contact-notes";
import { ContactTags } from "../inbox/contact-tags";
import { useTRPC } from "../trpc";
import { Avatar, ChannelBadge } from "../ui/channel-badge";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Contact · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** One member: every identity and conversation across channels, their details, notes and timeline; merging. */
export default function ContactRoute() {
  const { email } = useLoaderData<typeof loader>();
  const { contactId = "" } = useParams();
  const { show, done, toast } = useToast();
  return (
    <ContactsFrame email={email} title="Contact" after={toast}>
      {(workspace, userId) => (
        <ContactView
          key={contactId}
          contactId={contactId}
          workspaceId={workspace.id}
          canMerge={workspace.role !== "agent"}
          userId={userId}
          onError={show}
          onDone={done}
        />
      )}
    </ContactsFrame>
  );
}

function ContactView(props: {
  contactId: string;
  workspaceId: string;
  canMerge: boolean;
  userId: string | undefined;
  onError: (message: string) => void;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const contact = useQuery(trpc.contacts.get.queryOptions({ contactId: props.contactId }));
  const timeline = useQuery(trpc.contacts.timeline.queryOptions({ contactId: props.contactId }));
  const taxonomy = useTaxonomy(props.workspaceId);
  const failure = failureOf(contact);
  if (contact.isPending) return <p className="text-sm text-slate-600">Loading contact…</p>;
  if (failure || !contact.data?.success) {
    return (
      <div>
        <FailureNotice message={failure ?? "Contact not found."} onRetry={() => void contact.refetch()} />
        <button type="button" className="text-sm underline" onClick={() => navigate("/contacts")}>
          Back to contacts
        </button>
      </div>
    );
  }
  const person = contact.data.data;
  const name = person.displayName ?? person.phone ?? person.email ?? "Unknown member";
  return (
    <div className="grid gap-6 md:grid-cols-[20rem_1fr]">
      <div className="space-y-4 text-sm">
        <div className="flex items-center gap-3">
          <Avatar name={name} url={person.avatarUrl} />
          <div>
            <p className="font-semibold" data-testid="contact-name">
              {name}
            </p>
            <ul aria-label="Identities" className="space-y-0.5">
              {person.identities.map((identity) => (
                <li key={identity.id} className="flex items-center gap-1 text-xs text-slate-700">
                  <ChannelBadge provider={identity.channel.provider} />
                  {identity.handle ?? identity.profileName ?? identity.providerUserId}
                  <span className="text-slate-500">· {identity.channel.displayName}</span>
                </li>
              ))}
            </ul>
          </div>
        </div>
        <ContactDetails key={person.updatedAt.toString()} contact={person} onDone={props.onDone} onError={props.onError} />
        <ContactStage contact={person} stages={taxonomy.stages} onError={props.onError} />
        <ContactTags contact={person} tags={taxonomy.tags} canCreate={taxonomy.canEdit} onError={props.onError} />
        <ContactFields contact={person} fields={taxonomy.fields} onError={props.onError} />
        <ContactNotes contact={person} userId={props.userId} onError={props.onError} onDone={props.onDone} />
      </div>
      <div className="space-y-4">
        <MergeContacts
          kept={person}
          fields={taxonomy.fields}
          canMerge={props.canMerge}
          onDone={(message) => {
            props.onDone(message);
            void timeline.refetch();
          }}
          onError={props.onError}
        />
        {timeline.data?.success ? (
          <ContactTimeline data={timeline.data.data} />
        ) : failureOf(timeline) ? (
          <FailureNotice message={failureOf(timeline) ?? ""} onRetry={() => void timeline.refetch()} />
        ) : (
          <p className="text-sm text-slate-600">Loading conversations…</p>
        )}
      </div>
    </div>
  );
}
