import type { ContactField } from "../api/types";

/**
 * A custom field's value to look for (the contacts page's filter, a broadcast's audience): its options, yes/no for a
 * checkbox, else an input of its type that takes the value on Enter or on leaving it.
 */
export function FieldValueInput(props: {
  field: ContactField;
  value: string;
  /** What the options' empty choice says ("Anything"). */
  emptyLabel: string;
  className: string;
  onChange: (value: string) => void;
}) {
  const { field } = props;
  if (field.type === "select" || field.type === "checkbox") {
    return (
      <select
        aria-label={`${field.label} is`}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        className={props.className}
      >
        <option value="">{props.emptyLabel}</option>
        {(field.type === "select" ? field.options : ["yes", "no"]).map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      key={field.id}
      aria-label={`${field.label} is`}
      type={field.type === "number" ? "number" : field.type === "date" ? "date" : "text"}
      defaultValue={props.value}
      onBlur={(event) => props.onChange(event.currentTarget.value)}
      onKeyDown={(event) => {
        if (event.key === "Enter") props.onChange(event.currentTarget.value);
      }}
      className={props.className}
    />
  );
}
