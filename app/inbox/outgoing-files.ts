import { useCallback, useEffect, useRef, useState } from "react";
import { checkOutboundFile, outboundPath } from "../../supabase/functions/_shared/outbound-media";
import type { ConversationSummary } from "../api/types";
import { useSupabaseProject } from "./live-updates";
import { sessionToken } from "./session-token";
import { UploadFailed, uploadToStorage } from "./storage-upload";

/** A file staff attached to the reply they are writing: refused before upload, on its way to Storage, or there. */
export interface OutgoingFile {
  /** Also the reply's clientMessageId, so sending it twice is one message. */
  key: string;
  name: string;
  size: number;
  state: "refused" | "uploading" | "uploaded" | "failed";
  /** 0…1 while uploading. */
  progress: number;
  /** Why it cannot go (refused: the channel's limit, named), or why its upload failed. */
  problem: string | null;
  storedPath: string;
}

/** A pasted screenshot has no name of its own. */
const nameOf = (file: File) => file.name || `pasted-image.${file.type.split("/")[1] ?? "png"}`;

/**
 * The files attached to a reply: each checked against the channel's type and size limits first (a refused one never
 * uploads), then uploaded straight to the conversation's outbound folder with the user's token, with progress and
 * cancel. Leaving the conversation cancels what is still uploading.
 */
export function useOutgoingFiles(conversation: ConversationSummary) {
  const project = useSupabaseProject();
  const [files, setFiles] = useState<OutgoingFile[]>([]);
  const uploads = useRef(new Map<string, { file: File; cancel?: () => void }>());
  const { id: conversationId, workspaceId } = conversation;
  const provider = conversation.channel.provider;

  // biome-ignore lint/correctness/useExhaustiveDependencies: another conversation is what ends the uploads.
  useEffect(() => {
    const running = uploads.current;
    return () => {
      for (const upload of running.values()) upload.cancel?.();
      running.clear();
      setFiles([]);
    };
  }, [conversationId]);

  const update = useCallback((key: string, patch: Partial<OutgoingFile>) => {
    setFiles((list) => list.map((file) => (file.key === key ? { ...file, ...patch } : file)));
  }, []);

  const start = useCallback(
    async (entry: OutgoingFile) => {
      const source = uploads.current.get(entry.key);
      if (!source) return;
      update(entry.key, { state: "uploading", progress: 0, problem: null });
      const token = await sessionToken();
      if (!token || !project) {
        update(entry.key, { state: "failed", problem: "You are signed out. Sign in again to attach files." });
        return;
      }
      const upload = uploadToStorage({
        project,
        token,
        path: entry.storedPath,
        file: source.file,
        onProgress: (progress) => update(entry.key, { progress }),
      });
      source.cancel = upload.cancel;
      try {
        await upload.done;
        update(entry.key, { state: "uploaded", progress: 1 });
      } catch (error) {
        if (error instanceof UploadFailed && error.cancelled) return;
        update(entry.key, { state: "failed", problem: error instanceof Error ? error.message : "The upload failed." });
      } finally {
        source.cancel = undefined;
      }
    },
    [project, update],
  );

  const add = useCallback(
    (picked: File[]) => {
      for (const file of picked) {
        const key = crypto.randomUUID();
        const checked = checkOutboundFile(provider, { mimeType: file.type, size: file.size });
        const entry: OutgoingFile = {
          key,
          name: nameOf(file),
          size: file.size,
          state: checked.ok ? "uploading" : "refused",
          progress: 0,
          problem: checked.ok ? null : checked.problem,
          storedPath: outboundPath(workspaceId, conversationId, key, nameOf(file)),
        };
        setFiles((list) => [...list, entry]);
        if (!checked.ok) continue;
        uploads.current.set(key, { file });
        void start(entry);
      }
    },
    [provider, workspaceId, conversationId, start],
  );

  /** A file already in Storage (a saved reply's): attached as uploaded, unless this channel does not take it. */
  const attachStored = useCallback(
    (stored: { storedPath: string; name: string; mimeType: string; size: number }) => {
      const checked = checkOutboundFile(provider, { mimeType: stored.mimeType, size: stored.size });
      const entry: OutgoingFile = {
        key: crypto.randomUUID(),
        name: stored.name,
        size: stored.size,
        state: checked.ok ? "uploaded" : "refused",
        progress: checked.ok ? 1 : 0,
        problem: checked.ok ? null : checked.problem,
        storedPath: stored.storedPath,
      };
      setFiles((list) => [...list, entry]);
    },
    [provider],
  );

  const remove = useCallback((key: string) => {
    uploads.current.get(key)?.cancel?.();
    uploads.current.delete(key);
    setFiles((list) => list.filter((file) => file.key !== key));
  }, []);

  const retry = useCallback(
    (key: string) => {
      const entry = files.find((file) => file.key === key);
      if (entry?.state === "failed") void start(entry);
    },
    [files, start],
  );

  /** The uploaded files have become replies: they leave the composer (refused and failed ones stay, to be read). */
  const sent = useCallback((keys: string[]) => {
    for (const key of keys) uploads.current.delete(key);
    setFiles((list) => list.filter((file) => !keys.includes(file.key)));
  }, []);

  return {
    files,
    add,
    attachStored,
    remove,
    retry,
    sent,
    uploading: files.some((file) => file.state === "uploading"),
    uploaded: files.filter((file) => file.state === "uploaded"),
  };
}

export type OutgoingFiles = ReturnType<typeof useOutgoingFiles>;
