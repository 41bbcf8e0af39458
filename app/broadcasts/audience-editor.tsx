import type { BroadcastAudience } from "../../server/services/broadcast-shape";
import { useTaxonomy } from "../contacts/use-taxonomy";

/** Who a broadcast is for: members with any of the tags, in any of the stages, who wrote within so many days. */
export function AudienceEditor(props: {
  workspaceId: string;
  audience: BroadcastAudience;
  onChange: (audience: BroadcastAudience) => void;
}) {
  const taxonomy = useTaxonomy(props.workspaceId);
  const { audience } = props;
  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
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
