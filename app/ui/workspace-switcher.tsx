import { useNavigate } from "@remix-run/react";
import { useCurrentUser } from "./current-user";

const pill = "min-w-0 max-w-[45vw] truncate whitespace-nowrap rounded-full bg-slate-100 px-3 py-1 text-sm text-slate-800";

/** The workspace's name; for someone on several teams, a menu to switch (the inbox starts over in the other). */
export function WorkspaceSwitcher() {
  const { workspace, workspaces, chooseWorkspace } = useCurrentUser();
  const navigate = useNavigate();
  if (!workspace) return null;
  if (workspaces.length < 2) {
    return (
      <span className={pill} data-testid="workspace-name" title={workspace.name}>
        {workspace.name}
      </span>
    );
  }
  return (
    <label className="min-w-0">
      <span className="sr-only">Workspace</span>
      <select
        value={workspace.id}
        data-testid="workspace-name"
        onChange={(event) => {
          chooseWorkspace(event.target.value);
          navigate("/inbox");
        }}
        className={`${pill} cursor-pointer border-0 pr-7 focus:outline-none focus:ring-2 focus:ring-indigo-500`}
      >
        {workspaces.map((option) => (
          <option key={option.id} value={option.id}>
            {option.name}
          </option>
        ))}
      </select>
    </label>
  );
}
