import { useFinePointer } from "../inbox/pointer";

export default function NoConversationSelected() {
  const finePointer = useFinePointer();
  return (
    <div className="m-auto hidden p-6 text-center text-sm text-slate-600 md:block">
      <p className="font-medium text-slate-900">Select a conversation</p>
      {finePointer ? <p className="mt-1">Use j / k to move through the list, / to search, ? for every shortcut.</p> : null}
    </div>
  );
}
