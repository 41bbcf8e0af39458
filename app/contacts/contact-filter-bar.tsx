import type { ContactField, PipelineStage, Tag } from "../api/types";
import { withParam } from "./contact-filter-params";
import { FieldValueInput } from "./field-value-input";
import { StageOptions } from "./stage-options";

const control = "rounded-md border border-slate-400 bg-white px-2 py-1 text-sm";

/** Search, filters and order of the contacts page, each a param of the address. */
export function ContactFilterBar(props: {
  params: URLSearchParams;
  onChange: (params: URLSearchParams) => void;
  tags: Tag[];
  stages: PipelineStage[];
  fields: ContactField[];
}) {
  const { params, onChange } = props;
  const set = (name: string) => (value: string) => onChange(withParam(params, name, value));
  const field = props.fields.find((f) => f.id === params.get("field"));
  return (
    <search className="flex flex-wrap items-end gap-2" aria-label="Find contacts">
      <label className="flex min-w-56 flex-1 flex-col text-xs text-slate-700">
        Search
        <input
          aria-label="Search"
          type="search"
          defaultValue={params.get("q") ?? ""}
          placeholder="Name, phone, email or handle"
          onKeyDown={(event) => {
            if (event.key === "Enter") set("q")(event.currentTarget.value);
          }}
          onBlur={(event) => {
            if (event.currentTarget.value !== (params.get("q") ?? "")) set("q")(event.currentTarget.value);
          }}
          className={control}
        />
      </label>
      <label className="flex flex-col text-xs text-slate-700">
        Tag
        <select
          aria-label="Tag"
          value={params.get("tag") ?? ""}
          onChange={(event) => set("tag")(event.target.value)}
          className={control}
        >
          <option value="">Any tag</option>
          {props.tags.map((tag) => (
            <option key={tag.id} value={tag.id}>
              {tag.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-700">
        Stage
        <select
          aria-label="Stage"
          value={params.get("stage") ?? ""}
          onChange={(event) => set("stage")(event.target.value)}
          className={control}
        >
          <option value="">Any stage</option>
          <StageOptions stages={props.stages} />
          <option value="none">No stage</option>
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-700">
        Channel
        <select
          aria-label="Channel"
          value={params.get("channel") ?? ""}
          onChange={(event) => set("channel")(event.target.value)}
          className={control}
        >
          <option value="">Any channel</option>
          <option value="whatsapp">WhatsApp</option>
          <option value="messenger">Messenger</option>
          <option value="instagram">Instagram</option>
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-700">
        Last contact
        <select
          aria-label="Last contact"
          value={params.get("contacted") ?? ""}
          onChange={(event) => set("contacted")(event.target.value)}
          className={control}
        >
          <option value="">Any time</option>
          <option value="within:7">In the last 7 days</option>
          <option value="within:30">In the last 30 days</option>
          <option value="over:30">Not for 30 days</option>
          <option value="over:90">Not for 90 days</option>
        </select>
      </label>
      {props.fields.length > 0 ? (
        <label className="flex flex-col text-xs text-slate-700">
          Field
          <select
            aria-label="Field"
            value={params.get("field") ?? ""}
            onChange={(event) => set("field")(event.target.value)}
            className={control}
          >
            <option value="">Any field</option>
            {props.fields.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {field ? (
        <div className="flex flex-col text-xs text-slate-700">
          <span aria-hidden>{field.label} is</span>
          <FieldValueInput
            field={field}
            value={params.get("value") ?? ""}
            emptyLabel="Anything"
            className={control}
            onChange={set("value")}
          />
        </div>
      ) : null}
      <label className="flex flex-col text-xs text-slate-700">
        Order
        <select
          aria-label="Order"
          value={params.get("sort") ?? "recent"}
          onChange={(event) => set("sort")(event.target.value)}
          className={control}
        >
          <option value="recent">Latest contact first</option>
          <option value="name">Name</option>
          <option value="newest">Newest contact first</option>
        </select>
      </label>
    </search>
  );
}
