export default function NoConversationSelected() {
  return (
    <div className="m-auto hidden p-6 text-center text-sm text-slate-600 md:block">
      <p className="font-medium text-slate-900">Select a conversation</p>
      <p className="mt-1">Use j / k to move through the list, / to search.</p>
    </div>
  );
}
