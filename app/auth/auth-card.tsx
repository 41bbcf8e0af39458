import type { ReactNode } from "react";

/** The centred card the sign-in, sign-up and confirmation pages share. */
export function AuthCard({ title, lead, children }: { title: string; lead: string; children: ReactNode }) {
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        <p className="mt-1 text-sm text-slate-600">{lead}</p>
        {children}
      </div>
    </main>
  );
}

/** A labelled input whose error is announced with it (aria-describedby). */
export function TextField(props: {
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  autoComplete?: string;
  defaultValue?: string;
  hint?: string;
  error?: string;
}) {
  const described = props.error ? `${props.name}-error` : props.hint ? `${props.name}-hint` : undefined;
  return (
    <label className="block">
      <span className="text-sm font-medium">{props.label}</span>
      <input
        name={props.name}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        required
        defaultValue={props.defaultValue}
        aria-invalid={Boolean(props.error)}
        aria-describedby={described}
        className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
      />
      {props.error ? (
        <span id={`${props.name}-error`} className="mt-1 block text-sm text-red-700">
          {props.error}
        </span>
      ) : props.hint ? (
        <span id={`${props.name}-hint`} className="mt-1 block text-sm text-slate-600">
          {props.hint}
        </span>
      ) : null}
    </label>
  );
}

/** The form's one button: says what is happening while it is. */
export function SubmitButton({ busy, label, busyLabel }: { busy: boolean; label: string; busyLabel: string }) {
  return (
    <button
      type="submit"
      disabled={busy}
      className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60"
    >
      {busy ? busyLabel : label}
    </button>
  );
}

/** What went wrong with the whole form, announced. */
export function FormAlert({ message }: { message?: string }) {
  return message ? (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
      {message}
    </p>
  ) : null;
}
