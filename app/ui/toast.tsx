import { useCallback, useEffect, useState } from "react";

/** A way back from what was just done ("Undo"), offered while the toast shows. */
export interface ToastAction {
  label: string;
  run: () => void;
}

interface Toast {
  message: string;
  tone: "error" | "done";
  action?: ToastAction;
  /** Identifies this toast, so that a new one with the same text restarts the timer. */
  id: number;
}

const SHOWN_MS = 6_000;

/**
 * One transient message at a time: what failed (the UI itself stays as it was), or what was done, with an
 * action to undo it. Errors are announced assertively, confirmations politely.
 */
export function useToast() {
  const [toast, setToast] = useState<Toast | null>(null);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [toast]);
  const show = useCallback((message: string) => setToast({ message, tone: "error", id: Date.now() }), []);
  const done = useCallback(
    (message: string, action?: ToastAction) => setToast({ message, tone: "done", action, id: Date.now() }),
    [],
  );
  const element = toast ? (
    <div
      role={toast.tone === "error" ? "alert" : "status"}
      data-testid="toast"
      className="fixed bottom-4 left-1/2 z-50 flex max-w-[calc(100vw-2rem)] -translate-x-1/2 items-center gap-3 rounded-md bg-slate-900 px-4 py-2 text-sm text-white shadow-lg"
    >
      <span>{toast.message}</span>
      {toast.action ? (
        <button
          type="button"
          onClick={() => {
            toast.action?.run();
            setToast(null);
          }}
          className="shrink-0 font-semibold text-indigo-200 underline underline-offset-2"
        >
          {toast.action.label}
        </button>
      ) : null}
    </div>
  ) : null;
  return { show, done, toast: element };
}
