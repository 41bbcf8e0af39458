import { useState } from "react";
import type { BroadcastAudience } from "../../server/services/broadcast-shape";
import { typedFieldValue } from "../contacts/contact-filter-params";
import { FieldValueInput } from "../contacts/field-value-input";
import { useTaxonomy } from "../contacts/use-taxonomy";

/** Who a broadcast is for: members with any of the tags, in any of the stages, with a field's value, who wrote lately. */
export function AudienceEditor(props: {
  workspaceId: string;
  audience: BroadcastAudience;
  onChange: (audience: BroadcastAudience) => void;
}) {
  const taxonomy = useTaxonomy(props.workspaceId);
  const { audience } = props;
  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const condition = audience.fields[0];
  // The field picked before its value is: the condition applies once both are.
  const [fieldId, setFieldId] = useState(condition?.fieldId ?? "");
  const field = taxonomy.fields.find((f) => f.id === fieldId) ?? null;
  const shownValue =
    condition === undefined
      ? ""
      : typeof condition.value === "boolean"
        ? condition.value
          ? "yes"
          : "no"
        : String(condition.value);
  const setCondition = (fieldId: string, raw: string) => {
    const chosen = taxonomy.fields.find((f) => f.id === fieldId);
    const value = chosen ? typedFieldValue(chosen, raw) : null;
    props.onChange({ ...audience, fields: chosen && value !== null ? [{ fieldId: chosen.id, value }] : [] });
  };
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3 text-sm">
      <legend className="px-1 font-medium">Audience</legend>
      <p className="text-slate-600">Everyone on the channel, unless you narrow it down. Each condition you set must hold.</p>
      <div>
        <p className="font-medium">Tagged with any of</p>
        {taxonomy.tags.length === 0 ? <p className="text-slate-600">No tags yet.</p> : null}
        <div className="mt-1 flex flex-wrap gap-3">
          {taxonomy.tags.map((tag) => (
            <label key={tag.id} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={audience.tagIds.includes(tag.id)}
                onChange={() => props.onChange({ ...audience, tagIds: toggle(audience.tagIds, tag.id) })}
              />
              {tag.name}
            </label>
          ))}
        </div>
      </div>
      <div>
        <p className="font-medium">In any of these stages</p>
        <div className="mt-1 flex flex-wrap gap-3">
          {[...taxonomy.stages.map((stage) => ({ id: stage.id, name: stage.name })), { id: "none", name: "No stage" }].map(
            (stage) => (
              <label key={stage.id} className="flex items-center gap-1">
                <input
                  type="checkbox"
                  checked={audience.stageIds.includes(stage.id)}
                  onChange={() => props.onChange({ ...audience, stageIds: toggle(audience.stageIds, stage.id) })}
                />
                {stage.name}
              </label>
            ),
          )}
        </div>
      </div>
      {taxonomy.fields.length > 0 ? (
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-2">
            <span className="font-medium">Whose</span>
            <select
              value={field?.id ?? ""}
              onChange={(event) => {
                setFieldId(event.target.value);
                setCondition(event.target.value, "");
              }}
              className="rounded-md border border-slate-400 px-2 py-1"
            >
              <option value="">any field</option>
              {taxonomy.fields.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
          {field ? (
            <FieldValueInput
              field={field}
              value={shownValue}
              emptyLabel="choose…"
              className="rounded-md border border-slate-400 px-2 py-1"
              onChange={(value) => setCondition(field.id, value)}
            />
          ) : null}
        </div>
      ) : null}
      <label className="flex items-center gap-2">
        <span className="font-medium">Wrote in the last</span>
        <input
          type="number"
          min={1}
          max={3650}
          value={audience.lastInboundWithinDays ?? ""}
          placeholder="any"
          onChange={(event) =>
            props.onChange({
              ...audience,
              lastInboundWithinDays: event.target.value ? Math.max(1, Math.round(Number(event.target.value))) : null,
            })
          }
          className="w-20 rounded-md border border-slate-400 px-2 py-1"
        />
        <span>days</span>
      </label>
    </fieldset>
  );
}
