/** Message text as text (never HTML), with http(s) links made clickable and safe. */
const URL_PATTERN = /(https?:\/\/[^\s<>"']+)/g;

export function LinkifiedText({ text }: { text: string }) {
  const parts = text.split(URL_PATTERN);
  return (
    <span className="whitespace-pre-wrap break-words">
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable string, in order.
          <a key={index} href={part} target="_blank" rel="noopener noreferrer nofollow" className="underline">
            {part}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable string, in order.
          <span key={index}>{part}</span>
        ),
      )}
    </span>
  );
}
