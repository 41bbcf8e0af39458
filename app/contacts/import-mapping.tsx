import type { ImportTarget } from "../../server/services/contact-import-rows";
import type { ContactField } from "../api/types";

export type { ImportTarget };

/** Countries whose numbers an import may take without their country code (the rest must carry it). */
export const IMPORT_COUNTRIES: [string, string][] = [
  ["GB", "United Kingdom"],
  ["IE", "Ireland"],
  ["US", "United States"],
  ["CA", "Canada"],
  ["AU", "Australia"],
  ["NZ", "New Zealand"],
  ["ZA", "South Africa"],
  ["IN", "India"],
  ["AE", "United Arab Emirates"],
  ["ES", "Spain"],
  ["FR", "France"],
  ["DE", "Germany"],
  ["NL", "Netherlands"],
  ["IT", "Italy"],
  ["PT", "Portugal"],
  ["BR", "Brazil"],
  ["MX", "Mexico"],
];

/** Where each column of the file goes: one select per column. */
export function ImportMapping(props: {
  columns: string[];
  mapping: Record<string, ImportTarget | "">;
  fields: ContactField[];
  onChange: (column: string, target: ImportTarget | "") => void;
}) {
  return (
    <table className="w-full max-w-xl text-sm">
      <thead className="text-left text-xs uppercase text-slate-600">
        <tr>
          <th scope="col" className="py-1">
            Column in the file
          </th>
          <th scope="col" className="py-1">
            Goes to
          </th>
        </tr>
      </thead>
      <tbody>
        {props.columns.map((column) => (
          <tr key={column}>
            <td className="py-1 pr-3 font-medium">{column}</td>
            <td className="py-1">
              <select
                aria-label={`${column} goes to`}
                value={props.mapping[column] ?? ""}
                onChange={(event) => props.onChange(column, event.target.value as ImportTarget | "")}
                className="rounded-md border border-slate-400 px-2 py-1"
              >
                <option value="">Ignore</option>
                <option value="name">Name</option>
                <option value="phone">Phone</option>
                <option value="email">Email</option>
                <option value="notes">Notes</option>
                <option value="tags">Tags (separated by ; or ,)</option>
                <option value="stage">Stage</option>
                {props.fields.map((field) => (
                  <option key={field.id} value={`field:${field.id}`}>
                    {field.label}
                  </option>
                ))}
              </select>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
