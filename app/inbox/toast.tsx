import { useCallback, useEffect, useState } from "react";

/** One transient message at a time, for mutations that failed: the UI itself stays as it was. */
export function useToast() {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(null), 5_000);
    return () => clearTimeout(timer);
  }, [message]);
  const show = useCallback((text: string) => setMessage(text), []);
  const toast = message ? (
    <div
      role="alert"
      className="fixed bottom-4 left-1/2 z-50 -translate-x-1/2 rounded-md bg-slate-900 px-4 py-2 text-sm text-white shadow-lg"
    >
      {message}
    </div>
  ) : null;
  return { show, toast };
}
