import { useEffect, useRef, useState } from "react";

const SHORTCUTS: [keys: string, what: string][] = [
  ["j / k", "Next / previous conversation"],
  ["/", "Search"],
  ["r", "Reply"],
  ["e", "Archive (with Undo)"],
  ["Enter", "Send the reply"],
  ["Shift + Enter", "New line in the reply"],
  ["Esc", "Leave the reply box"],
  ["?", "This list"],
];

/** `?` anywhere outside a text field shows every keyboard shortcut; Esc or Close hides it. */
export function ShortcutSheet() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "?" || event.metaKey || event.ctrlKey || event.altKey) return;
      if ((event.target as HTMLElement).closest("input, textarea, select, [contenteditable]")) return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  useEffect(() => {
    const node = dialog.current;
    if (open && node && !node.open) node.showModal();
    if (!open && node?.open) node.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="shortcuts-heading"
      onClose={() => setOpen(false)}
      className="rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="w-80 max-w-full p-4 text-sm">
        <h2 id="shortcuts-heading" className="font-semibold">
          Keyboard shortcuts
        </h2>
        <dl className="mt-3 space-y-1.5">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys} className="flex justify-between gap-4">
              <dt>
                <kbd className="rounded border border-slate-400 bg-slate-50 px-1.5 font-mono text-xs">{keys}</kbd>
              </dt>
              <dd className="text-slate-700">{what}</dd>
            </div>
          ))}
        </dl>
        <button type="button" onClick={() => setOpen(false)} className="mt-4 rounded-md border border-slate-400 px-3 py-1">
          Close
        </button>
      </div>
    </dialog>
  );
}
