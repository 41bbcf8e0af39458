import type { TeamRoster } from "../api/types";
import { ACTION_LABELS } from "./audit-actions";

export interface AuditFilterValues {
  actorId: string;
  action: string;
  /** yyyy-mm-dd, inclusive; empty for no bound. */
  from: string;
  to: string;
}

/** Person, action and days: each change applies at once (the page keeps them in its URL). */
export function AuditFilters(props: {
  values: AuditFilterValues;
  members: TeamRoster["members"];
  onChange: (values: AuditFilterValues) => void;
}) {
  const { values } = props;
  const set = (patch: Partial<AuditFilterValues>) => props.onChange({ ...values, ...patch });
  const field = "mt-1 block rounded-md border border-slate-400 px-2 py-1.5 text-sm";
  return (
    <fieldset className="flex flex-wrap items-end gap-3">
      <legend className="sr-only">Filter the audit log</legend>
      <label className="text-sm">
        <span className="font-medium">Person</span>
        <select value={values.actorId} onChange={(event) => set({ actorId: event.target.value })} className={field}>
          <option value="">Everyone</option>
          {props.members.map((member) => (
            <option key={member.userId} value={member.userId}>
              {member.name ?? member.email}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        <span className="font-medium">Action</span>
        <select value={values.action} onChange={(event) => set({ action: event.target.value })} className={field}>
          <option value="">Any action</option>
          {Object.entries(ACTION_LABELS).map(([action, label]) => (
            <option key={action} value={action}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        <span className="font-medium">From</span>
        <input
          type="date"
          value={values.from}
          max={values.to || undefined}
          onChange={(event) => set({ from: event.target.value })}
          className={field}
        />
      </label>
      <label className="text-sm">
        <span className="font-medium">To</span>
        <input
          type="date"
          value={values.to}
          min={values.from || undefined}
          onChange={(event) => set({ to: event.target.value })}
          className={field}
        />
      </label>
    </fieldset>
  );
}
