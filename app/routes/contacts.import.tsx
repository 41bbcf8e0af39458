import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { contactImportPath, megabytes } from "../../supabase/functions/_shared/outbound-media";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { ContactsFrame } from "../contacts/contacts-frame";
import { IMPORT_COUNTRIES, ImportMapping, type ImportTarget } from "../contacts/import-mapping";
import { ImportProgress } from "../contacts/import-progress";
import { useTaxonomy } from "../contacts/use-taxonomy";
import type { RealtimeSettings } from "../inbox/live-updates";
import { sessionToken } from "../inbox/session-token";
import { UploadFailed, uploadToStorage } from "../inbox/storage-upload";
import { useTRPC } from "../trpc";

export const meta: MetaFunction = () => [{ title: "Import contacts · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** The largest CSV Frontdesk imports (the attachments bucket's limit); the worker streams it. */
const LARGEST_CSV = 100 * 1024 * 1024;

/** Import contacts from a CSV: upload, map the columns, check the first rows, import (a worker job), see the report. */
export default function ImportPage() {
  const { email, project } = useLoaderData<typeof loader>();
  return (
    <ContactsFrame email={email} title="Import contacts">
      {(workspace) =>
        workspace.role === "agent" ? (
          <p className="text-sm text-slate-700">Only managers and admins import contacts.</p>
        ) : (
          <ImportFlow workspaceId={workspace.id} project={project} />
        )
      }
    </ContactsFrame>
  );
}

type Settings = { mapping: Record<string, ImportTarget>; defaultCountry: string | null; matchOn: "phone" | "email" };

function regionOfBrowser(): string | null {
  const region = typeof navigator === "undefined" ? null : (navigator.language.split("-")[1] ?? null);
  return IMPORT_COUNTRIES.some(([code]) => code === region) ? region : null;
}

function ImportFlow(props: { workspaceId: string; project: RealtimeSettings }) {
  const trpc = useTRPC();
  const { fields } = useTaxonomy(props.workspaceId);
  const [file, setFile] = useState<{ storedPath: string; name: string } | null>(null);
  const [uploading, setUploading] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [columns, setColumns] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Record<string, ImportTarget | "">>({});
  const [matchOn, setMatchOn] = useState<"phone" | "email">("phone");
  const [country, setCountry] = useState<string>(() => regionOfBrowser() ?? "");
  const [mode, setMode] = useState<"create_or_update" | "create_only" | "update_only">("create_or_update");
  const [importId, setImportId] = useState<string | null>(null);
  const preview = useMutation(trpc.contactImports.preview.mutationOptions());
  const start = useMutation(trpc.contactImports.start.mutationOptions());
  const unreachable = "Could not reach Frontdesk. Check your connection.";

  const settings = (): Settings => ({
    mapping: Object.fromEntries(Object.entries(mapping).filter((entry): entry is [string, ImportTarget] => entry[1] !== "")),
    defaultCountry: country || null,
    matchOn,
  });

  const upload = async (picked: File) => {
    setProblem(null);
    if (picked.size > LARGEST_CSV) return setProblem(`Files can be at most ${megabytes(LARGEST_CSV)}.`);
    const token = await sessionToken();
    if (!token) return setProblem("You are signed out. Sign in again to import.");
    const storedPath = contactImportPath(props.workspaceId, crypto.randomUUID(), picked.name);
    setUploading(0);
    try {
      await uploadToStorage({ project: props.project, token, path: storedPath, file: picked, onProgress: setUploading }).done;
    } catch (error) {
      setUploading(null);
      return setProblem(error instanceof UploadFailed ? error.message : "The upload failed. Try again.");
    }
    setUploading(null);
    setFile({ storedPath, name: picked.name });
    preview.mutate(
      { workspaceId: props.workspaceId, storedPath, settings: null },
      {
        onSuccess: (result) => {
          if (!result.success) return setProblem(result.error.message);
          setColumns(result.data.columns);
          setMapping(Object.fromEntries(Object.entries(result.data.suggested).map(([column, target]) => [column, target ?? ""])));
          if (!Object.values(result.data.suggested).includes("phone") && Object.values(result.data.suggested).includes("email"))
            setMatchOn("email");
        },
        onError: () => setProblem(unreachable),
      },
    );
  };

  if (importId) return <ImportProgress importId={importId} />;
  const checked = preview.data?.success && preview.variables?.settings ? preview.data.data.rows : null;
  return (
    <div className="space-y-4 text-sm">
      <label className="block">
        <span className="font-medium">CSV file</span>
        <input
          type="file"
          accept=".csv,text/csv"
          aria-label="CSV file"
          onChange={(event) => {
            const picked = event.target.files?.[0];
            if (picked) void upload(picked);
          }}
          className="mt-1 block"
        />
      </label>
      {uploading !== null ? <p>Uploading… {Math.round(uploading * 100)}%</p> : null}
      {problem ? (
        <p role="alert" className="text-red-700">
          {problem}
        </p>
      ) : null}
      {file && columns.length > 0 ? (
        <>
          <ImportMapping
            columns={columns}
            mapping={mapping}
            fields={fields}
            onChange={(column, target) => setMapping({ ...mapping, [column]: target })}
          />
          <div className="flex flex-wrap gap-4">
            <label className="flex flex-col">
              Match contacts on
              <select
                value={matchOn}
                onChange={(e) => setMatchOn(e.target.value as "phone" | "email")}
                className="rounded-md border border-slate-400 px-2 py-1"
              >
                <option value="phone">Phone</option>
                <option value="email">Email</option>
              </select>
            </label>
            <label className="flex flex-col">
              Numbers without a country code are in
              <select
                value={country}
                onChange={(e) => setCountry(e.target.value)}
                className="rounded-md border border-slate-400 px-2 py-1"
              >
                <option value="">— (every number has its code)</option>
                {IMPORT_COUNTRIES.map(([code, name]) => (
                  <option key={code} value={code}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col">
              Contacts
              <select
                value={mode}
                onChange={(e) => setMode(e.target.value as typeof mode)}
                className="rounded-md border border-slate-400 px-2 py-1"
              >
                <option value="create_or_update">Create new, update existing</option>
                <option value="create_only">Only create new ones</option>
                <option value="update_only">Only update existing ones</option>
              </select>
            </label>
          </div>
          <button
            type="button"
            onClick={() =>
              preview.mutate(
                { workspaceId: props.workspaceId, storedPath: file.storedPath, settings: settings() },
                { onError: () => setProblem(unreachable) },
              )
            }
            className="rounded-md border border-slate-400 px-3 py-1.5 hover:bg-slate-50"
          >
            Check the first rows
          </button>
          {checked ? <CheckedRows rows={checked} /> : null}
          <button
            type="button"
            disabled={start.isPending}
            onClick={() =>
              start.mutate(
                { workspaceId: props.workspaceId, storedPath: file.storedPath, fileName: file.name, mode, ...settings() },
                {
                  onSuccess: (result) => (result.success ? setImportId(result.data.importId) : setProblem(result.error.message)),
                  onError: () => setProblem(unreachable),
                },
              )
            }
            className="block rounded-md bg-indigo-700 px-3 py-1.5 font-medium text-white hover:bg-indigo-800"
          >
            Import
          </button>
        </>
      ) : null}
    </div>
  );
}

function CheckedRows(props: { rows: { n: number; problems?: string[]; name?: string; phone?: string; email?: string }[] }) {
  const refused = props.rows.filter((row) => row.problems?.length).length;
  return (
    <section aria-label="First rows" className="space-y-1">
      <p>
        Of the first {props.rows.length} rows, {props.rows.length - refused} will be imported and {refused} refused.
      </p>
      <ul className="space-y-0.5">
        {props.rows.map((row) => (
          <li key={row.n} data-testid="checked-row" className={row.problems?.length ? "text-red-700" : "text-slate-800"}>
            Row {row.n}:{" "}
            {row.problems?.length ? row.problems.join(" ") : [row.name, row.phone, row.email].filter(Boolean).join(" · ")}
          </li>
        ))}
      </ul>
    </section>
  );
}
