import { type KeyboardEvent, type ReactNode, useState } from "react";

/**
 * A list offered while typing (teammates after `@`, saved replies after `/`): ↑/↓ move through it, Enter or Tab
 * picks, and the box keeps the focus throughout.
 */
export function useSuggestions<T>(items: T[], onPick: (item: T) => void) {
  const [highlighted, setHighlighted] = useState(0);
  const pick = (item: T) => {
    setHighlighted(0);
    onPick(item);
  };
  return {
    highlighted,
    pick,
    /** Handles the keys the list needs; true when it did. */
    onKeyDown(event: KeyboardEvent<HTMLElement>): boolean {
      if (items.length === 0) return false;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        setHighlighted((index) => (index + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length);
        return true;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        const item = items[highlighted] ?? items[0];
        if (item) pick(item);
        return true;
      }
      return false;
    },
    /** What was typed changed: the list starts again from its top. */
    restart: () => setHighlighted(0),
  };
}

/** The list itself, above the box: options picked with the mouse without taking the focus from the box. */
export function SuggestionList<T>(props: {
  label: string;
  items: T[];
  highlighted: number;
  keyOf: (item: T) => string;
  onPick: (item: T) => void;
  children: (item: T) => ReactNode;
  /** Shown under the options: loading, or why there are none. */
  footer?: ReactNode;
  width: "w-64" | "w-96";
}) {
  return (
    <div
      role="listbox"
      aria-label={props.label}
      className={`absolute bottom-full left-3 z-10 mb-1 ${props.width} max-w-[calc(100%-1.5rem)] rounded-md border border-slate-300 bg-white py-1 text-sm shadow-lg`}
    >
      {props.items.map((item, index) => (
        <div
          key={props.keyOf(item)}
          role="option"
          aria-selected={index === props.highlighted}
          tabIndex={-1}
          onMouseDown={(event) => {
            event.preventDefault();
            props.onPick(item);
          }}
          className={`cursor-pointer px-3 py-1 ${index === props.highlighted ? "bg-indigo-50" : ""}`}
        >
          {props.children(item)}
        </div>
      ))}
      {props.footer}
    </div>
  );
}
