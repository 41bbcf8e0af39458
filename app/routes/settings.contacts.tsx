import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { useTaxonomy } from "../contacts/use-taxonomy";
import { FieldSettings } from "../settings/field-settings";
import { SettingsPage } from "../settings/settings-page";
import { StageSettings } from "../settings/stage-settings";
import { TagSettings } from "../settings/tag-settings";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Tags, stages & fields · Settings · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** Settings → Contacts: how the gym describes its members. Everyone sees them; managers and admins change them. */
export default function ContactSettings() {
  const { email } = useLoaderData<typeof loader>();
  const { show, done, toast } = useToast();
  return (
    <SettingsPage email={email} title="Tags, stages & fields" after={toast}>
      {(workspace) => <TaxonomyView workspaceId={workspace.id} onError={show} onDone={done} />}
    </SettingsPage>
  );
}

function TaxonomyView(props: { workspaceId: string; onError: (m: string) => void; onDone: (m: string) => void }) {
  const taxonomy = useTaxonomy(props.workspaceId);
  if (!taxonomy.canEdit) {
    return (
      <p className="text-sm text-slate-700">
        Only managers and admins change tags, stages and fields. You apply them on each contact.
      </p>
    );
  }
  return (
    <div className="space-y-6">
      <TagSettings workspaceId={props.workspaceId} tags={taxonomy.tags} onDone={props.onDone} onError={props.onError} />
      <StageSettings workspaceId={props.workspaceId} stages={taxonomy.stages} onDone={props.onDone} onError={props.onError} />
      <FieldSettings workspaceId={props.workspaceId} fields={taxonomy.fields} onDone={props.onDone} onError={props.onError} />
    </div>
  );
}
