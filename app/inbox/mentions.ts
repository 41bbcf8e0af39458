import type { TeamMember } from "../api/types";

/** How a teammate is written in a note: their name, else their email. */
export const mentionName = (member: TeamMember) => member.name ?? member.email ?? "teammate";

/** The `@partial` being typed just before the caret, if any (a mention starts a word). */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - (match[2]?.length ?? 0) - 1, query: match[2] ?? "" };
}

/** Teammates whose name or email starts with what was typed (case-insensitive), at most six. */
export function mentionCandidates(members: TeamMember[], query: string, userId: string | undefined): TeamMember[] {
  const wanted = query.toLowerCase();
  return members
    .filter((member) => member.userId !== userId)
    .filter((member) =>
      [member.name, member.email].some(
        (value) =>
          value
            ?.toLowerCase()
            .split(/\s+/)
            .some((word) => word.startsWith(wanted)) || value?.toLowerCase().startsWith(wanted),
      ),
    )
    .slice(0, 6);
}

/** The teammates a finished note still mentions: picked, and their `@Name` still in the text. */
export function mentionedIds(text: string, picked: TeamMember[]): string[] {
  return [...new Set(picked.filter((member) => text.includes(`@${mentionName(member)}`)).map((member) => member.userId))];
}
