import { useState } from "react";
import type { ConversationSummary } from "../api/types";
import { Composer, type RecentTeamReply } from "./composer";
import { NoteComposer } from "./note-composer";
import type { OutgoingFiles } from "./outgoing-files";

/** The bottom of a thread: a reply to the member, or a private note for the team. */
export function ReplyArea(props: {
  conversation: ConversationSummary;
  userId: string | undefined;
  files: OutgoingFiles;
  onError: (message: string) => void;
  /** Tells the team one is writing (a reply, or a note). */
  onTyping: (note: boolean) => void;
  /** A teammate's reply to the member in the last minute, which the composer asks about before sending another. */
  recentTeamReply: RecentTeamReply | null;
}) {
  const [mode, setMode] = useState<"reply" | "note">("reply");
  const toggle = (value: "reply" | "note", label: string) => (
    <button
      type="button"
      aria-pressed={mode === value}
      onClick={() => setMode(value)}
      className={`rounded-t-md px-3 py-1 text-xs font-medium ${
        mode === value
          ? value === "note"
            ? "bg-amber-100 text-amber-950"
            : "bg-white text-slate-900"
          : "text-slate-600 hover:underline"
      }`}
    >
      {label}
    </button>
  );
  return (
    <div>
      <div className="flex gap-1 border-t border-slate-200 bg-slate-50 px-3 pt-1">
        {toggle("reply", "Reply")}
        {toggle("note", "Private note")}
      </div>
      {mode === "reply" ? (
        <Composer
          conversation={props.conversation}
          userId={props.userId}
          files={props.files}
          onError={props.onError}
          onTyping={() => props.onTyping(false)}
          recentTeamReply={props.recentTeamReply}
        />
      ) : (
        <NoteComposer
          conversation={props.conversation}
          userId={props.userId}
          onError={props.onError}
          onTyping={() => props.onTyping(true)}
        />
      )}
    </div>
  );
}
