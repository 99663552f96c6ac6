import { table, td, th } from "@/components/ui/styles";

/* Minimal OpenAPI 3 shapes this page reads. */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
}
export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: SchemaObject;
}
export interface OperationObject {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: SchemaObject }> }>;
}

const METHOD_STYLE: Record<string, string> = {
  get: "bg-sky-100 text-sky-800",
  post: "bg-emerald-100 text-emerald-800",
  delete: "bg-red-100 text-red-800",
};

export function typeLabel(s?: SchemaObject): string {
  if (!s) return "";
  if (s.$ref) return s.$ref.split("/").pop()!;
  if (s.enum) return s.enum.map(String).join(" | ");
  if (s.type === "array") return `${typeLabel(s.items)}[]`;
  const range =
    s.minimum !== undefined || s.maximum !== undefined
      ? ` ${s.minimum ?? ""}..${s.maximum ?? ""}`
      : s.maxLength
        ? ` ≤${s.maxLength} chars`
        : "";
  return `${s.type ?? "any"}${range}`;
}

export function Operation({ method, path, op }: { method: string; path: string; op: OperationObject }) {
  const body = op.requestBody?.content?.["application/json"]?.schema;
  const anchor = `${method}-${path.replace(/[^\w]+/g, "-")}`;
  return (
    <article
      id={anchor}
      className="scroll-mt-20 rounded-lg border border-slate-200 bg-white p-4"
      data-testid="docs-operation"
      data-path={path}
      data-method={method}
    >
      <h3 className="flex flex-wrap items-center gap-2 font-mono text-sm">
        <span className={`rounded px-2 py-0.5 text-xs font-bold uppercase ${METHOD_STYLE[method] ?? "bg-slate-100"}`}>
          {method}
        </span>
        <a href={`#${anchor}`} className="hover:underline">
          {path}
        </a>
        {op.security?.length === 0 && (
          <span className="rounded bg-slate-100 px-1.5 text-xs font-sans text-slate-600">no login</span>
        )}
      </h3>
      <p className="mt-1 text-sm text-slate-700">{op.summary}</p>
      {op.parameters && op.parameters.length > 0 && (
        <table className={`${table} mt-2`}>
          <thead>
            <tr>
              <th className={th}>Parameter</th>
              <th className={th}>In</th>
              <th className={th}>Type</th>
              <th className={th}>Default</th>
              <th className={th}>Description</th>
            </tr>
          </thead>
          <tbody>
            {op.parameters.map((p) => (
              <tr key={`${p.in}-${p.name}`}>
                <td className={`${td} font-mono`}>
                  {p.name}
                  {p.required && <span className="text-red-600">*</span>}
                </td>
                <td className={td}>{p.in}</td>
                <td className={`${td} font-mono text-xs`}>{typeLabel(p.schema)}</td>
                <td className={`${td} font-mono text-xs`}>
                  {p.schema?.default !== undefined ? String(p.schema.default) : ""}
                </td>
                <td className={td}>{p.description ?? p.schema?.description ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {body && (
        <div className="mt-2 text-sm">
          <span className="font-semibold">JSON body:</span> <SchemaInline s={body} />
        </div>
      )}
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {Object.entries(op.responses ?? {}).map(([status, r]) => (
          <li key={status}>
            <b className="font-mono">{status}</b> {r.description}
            {r.content?.["application/json"]?.schema && (
              <span className="font-mono"> → {typeLabel(r.content["application/json"].schema)}</span>
            )}
          </li>
        ))}
      </ul>
    </article>
  );
}

export function SchemaInline({ s }: { s: SchemaObject }) {
  if (!s.properties) return <code>{typeLabel(s)}</code>;
  return (
    <code className="text-xs">
      {"{ "}
      {Object.entries(s.properties).map(([k, v], i) => (
        <span key={k}>
          {i > 0 && ", "}
          {k}
          {s.required?.includes(k) ? "" : "?"}: {typeLabel(v)}
        </span>
      ))}
      {" }"}
    </code>
  );
}
