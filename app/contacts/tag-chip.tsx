import type { TagColour } from "../../supabase/functions/_shared/contact-taxonomy";

/** Each tag colour as a chip's background and text, dark enough on light to pass contrast. */
export const TAG_STYLES: Record<TagColour, string> = {
  slate: "bg-slate-100 text-slate-800",
  red: "bg-red-100 text-red-800",
  amber: "bg-amber-100 text-amber-900",
  green: "bg-green-100 text-green-800",
  teal: "bg-teal-100 text-teal-800",
  blue: "bg-blue-100 text-blue-800",
  indigo: "bg-indigo-100 text-indigo-800",
  pink: "bg-pink-100 text-pink-800",
};

/** A tag on a contact; with `onRemove`, an × that takes it off. */
export function TagChip({ tag, onRemove }: { tag: { name: string; colour: TagColour }; onRemove?: () => void }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full py-0.5 pl-2 text-xs ${onRemove ? "pr-1" : "pr-2"} ${TAG_STYLES[tag.colour]}`}
    >
      {tag.name}
      {onRemove ? (
        <button
          type="button"
          aria-label={`Remove tag ${tag.name}`}
          onClick={onRemove}
          className="rounded-full px-1 hover:bg-white/60"
        >
          ×
        </button>
      ) : null}
    </span>
  );
}
