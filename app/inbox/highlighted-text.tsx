const escapeRegExp = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `text` with each case-insensitive occurrence of `term` marked. */
export function HighlightedText({ text, term }: { text: string; term: string }) {
  const parts = text.split(new RegExp(`(${escapeRegExp(term)})`, "giu"));
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string, in order.
          <mark key={index} className="rounded-sm bg-amber-200 text-slate-900">
            {part}
          </mark>
        ) : (
          part
        ),
      )}
    </>
  );
}
