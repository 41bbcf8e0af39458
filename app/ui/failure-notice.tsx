/** The inline error every query shows: what went wrong, and a way to try again. */
export function FailureNotice({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div role="alert" className="m-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      <p>{message}</p>
      <button type="button" onClick={onRetry} className="mt-2 font-medium underline">
        Retry
      </button>
    </div>
  );
}

/** The message of a failed Result, or of a transport error, or null when the query succeeded. */
export function failureOf(query: { error: unknown; data?: { success: boolean; error?: { message: string } } }): string | null {
  if (query.error) return "Could not reach Frontdesk. Check your connection.";
  if (query.data && !query.data.success) return query.data.error?.message ?? "Something went wrong.";
  return null;
}

/** The same for a paged (infinite) query: the transport error, else the first page that failed. */
export function pagesFailureOf(query: { error: unknown; data?: { pages: { success: boolean; error?: { message: string } }[] } }) {
  if (query.error) return failureOf({ error: query.error });
  const failed = query.data?.pages.find((page) => !page.success);
  return failed ? failureOf({ error: null, data: failed }) : null;
}
