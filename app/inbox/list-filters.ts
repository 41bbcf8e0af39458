import { useSearchParams } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ListFilters } from "./live-cache";

export type StatusChoice = "open" | "pending" | "resolved" | "all";
export type AssigneeChoice = "anyone" | "me" | "unassigned";

/** What the filter bar shows: kept in the URL, so a reload or a shared link keeps them. */
export interface FilterChoices {
  status: StatusChoice;
  assignee: AssigneeChoice;
  channelAccountId: string;
  unreadOnly: boolean;
  archived: boolean;
  search: string;
}

const STATUSES: StatusChoice[] = ["open", "pending", "resolved", "all"];
const ASSIGNEES: AssigneeChoice[] = ["anyone", "me", "unassigned"];
const DEFAULTS: FilterChoices = {
  status: "open",
  assignee: "anyone",
  channelAccountId: "",
  unreadOnly: false,
  archived: false,
  search: "",
};

function choicesFrom(params: URLSearchParams): FilterChoices {
  const pick = <T extends string>(value: string | null, allowed: T[], fallback: T) =>
    allowed.includes(value as T) ? (value as T) : fallback;
  return {
    status: pick(params.get("status"), STATUSES, DEFAULTS.status),
    assignee: pick(params.get("assignee"), ASSIGNEES, DEFAULTS.assignee),
    channelAccountId: params.get("channel") ?? "",
    unreadOnly: params.get("unread") === "1",
    archived: params.get("archived") === "1",
    search: params.get("q") ?? "",
  };
}

function paramsFrom(choices: FilterChoices): URLSearchParams {
  const params = new URLSearchParams();
  if (choices.status !== DEFAULTS.status) params.set("status", choices.status);
  if (choices.assignee !== DEFAULTS.assignee) params.set("assignee", choices.assignee);
  if (choices.channelAccountId) params.set("channel", choices.channelAccountId);
  if (choices.unreadOnly) params.set("unread", "1");
  if (choices.archived) params.set("archived", "1");
  if (choices.search) params.set("q", choices.search);
  return params;
}

/** A search needs two characters; shorter terms search nothing. */
export const searchTerm = (choices: FilterChoices) => (choices.search.trim().length >= 2 ? choices.search.trim() : "");

/**
 * What the list asks the server for. A search looks through every status and the archive, so that a member
 * whose conversation is pending or archived is still found (each result shows where it is).
 */
export function listFiltersOf(choices: FilterChoices): ListFilters {
  const search = searchTerm(choices);
  return {
    archived: search ? "any" : choices.archived,
    assignee: choices.assignee,
    unreadOnly: choices.unreadOnly,
    ...(search || choices.status === "all" ? {} : { status: choices.status }),
    ...(choices.channelAccountId ? { channelAccountId: choices.channelAccountId } : {}),
    ...(search ? { search } : {}),
  };
}

export const isDefault = (choices: FilterChoices) =>
  paramsFrom({ ...choices, search: "" }).toString() === "" && searchTerm(choices) === "";

/**
 * The filters in the URL, and a setter that keeps the rest of the URL as it is. The choices apply at once
 * (the URL follows), so a click is never undone by a navigation still on its way.
 */
export function useFilterChoices(): [FilterChoices, (changes: Partial<FilterChoices>) => void] {
  const [params, setParams] = useSearchParams();
  const fromUrl = params.toString();
  const [choices, setChoices] = useState(() => choicesFrom(params));
  const latest = useRef(choices);
  // Back, forward or a link: the URL is the truth again.
  useEffect(() => {
    latest.current = choicesFrom(new URLSearchParams(fromUrl));
    setChoices(latest.current);
  }, [fromUrl]);
  const change = useCallback(
    (changes: Partial<FilterChoices>) => {
      latest.current = { ...latest.current, ...changes };
      setChoices(latest.current);
      setParams(paramsFrom(latest.current), { replace: true, preventScrollReset: true });
    },
    [setParams],
  );
  return [choices, change];
}
