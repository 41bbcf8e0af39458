import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "../trpc";

export interface WhatsAppIds {
  phoneNumberId: string;
  wabaId: string;
}

/**
 * A WhatsApp number by its ids and a permanent token. Meta checks everything before anything is saved; each
 * field says what is wrong with it. `prefill` (Reconnect on a disconnected number) fills the ids in.
 */
export function WhatsAppForm({ workspaceId, prefill }: { workspaceId: string; prefill: WhatsAppIds | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [fields, setFields] = useState({ phoneNumberId: "", wabaId: "", accessToken: "" });
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!prefill) return;
    setFields((current) => ({ ...current, ...prefill }));
    section.current?.scrollIntoView({ block: "center" });
    section.current?.querySelector<HTMLInputElement>('input[name="accessToken"]')?.focus();
  }, [prefill]);
  const connect = useMutation(
    trpc.channels.connectWhatsApp.mutationOptions({
      onSuccess: (result) => {
        // The token is not kept in the page once Meta has confirmed it.
        if (result.success) setFields({ phoneNumberId: "", wabaId: "", accessToken: "" });
      },
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.channels.list.pathKey() }),
    }),
  );
  const result = connect.data;
  const fieldErrors = result && !result.success ? (result.error.details?.fieldErrors ?? {}) : {};
  // Problems with a field are shown at the field; the form says only what belongs to none of them.
  const formError = connect.error
    ? "Could not reach Frontdesk. Check your connection."
    : result && !result.success && Object.keys(fieldErrors).length === 0
      ? result.error.message
      : null;
  const input = (name: keyof typeof fields, label: string, type = "text") => (
    <label className="block text-sm">
      <span className="font-medium">{label}</span>
      <input
        name={name}
        type={type}
        autoComplete="off"
        value={fields[name]}
        onChange={(event) => setFields({ ...fields, [name]: event.target.value })}
        aria-invalid={Boolean(fieldErrors[name])}
        aria-describedby={fieldErrors[name] ? `${name}-error` : undefined}
        className="mt-1 w-full rounded-md border border-slate-400 px-3 py-1.5"
      />
      {fieldErrors[name] ? (
        <span id={`${name}-error`} className="text-xs text-red-700">
          {fieldErrors[name]?.[0]}
        </span>
      ) : null}
    </label>
  );
  return (
    <section ref={section} aria-labelledby="whatsapp-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="whatsapp-heading" className="font-semibold">
        Connect a WhatsApp number
      </h2>
      <p className="text-sm text-slate-700">
        From WhatsApp Manager: the phone number id, the WhatsApp Business Account id and a permanent token.
      </p>
      <form
        className="mt-3 grid gap-3 sm:grid-cols-2"
        onSubmit={(event) => {
          event.preventDefault();
          connect.mutate({ workspaceId, ...fields });
        }}
      >
        {input("phoneNumberId", "Phone number id")}
        {input("wabaId", "WhatsApp Business Account id")}
        <div className="sm:col-span-2">{input("accessToken", "Permanent token", "password")}</div>
        <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
          <button
            type="submit"
            disabled={connect.isPending}
            className="rounded-md bg-green-800 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
          >
            {connect.isPending ? "Checking with Meta…" : "Connect WhatsApp number"}
          </button>
          {formError ? (
            <span role="alert" className="text-sm text-red-700">
              {formError}
            </span>
          ) : result?.success ? (
            <span role="status" className="text-sm text-emerald-900">
              {result.data.message}
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}
