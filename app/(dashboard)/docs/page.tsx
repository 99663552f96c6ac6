import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { link } from "@/components/ui/styles";
import { openApiDocument } from "@/lib/admin/openapi";
import { Operation, SchemaInline, type OperationObject, type SchemaObject } from "./_components/operation";

export const dynamic = "force-dynamic";

/** The admin API, rendered from the same OpenAPI document /api/openapi.json serves. */
export default function DocsPage() {
  const doc = openApiDocument() as unknown as {
    info: { title: string; description?: string; version: string };
    paths: Record<string, Record<string, OperationObject>>;
    components?: { schemas?: Record<string, SchemaObject> };
  };
  const byTag = new Map<string, { method: string; path: string; op: OperationObject }[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  return (
    <div className="space-y-4" data-testid="docs-page">
      <PageHeader title={doc.info.title}>
        {doc.info.description} Version {doc.info.version}. Machine-readable:{" "}
        <a href="/api/openapi.json" className={link} data-testid="docs-json-link">
          /api/openapi.json
        </a>
        . Mutations (POST/DELETE) must come from this origin; bad input answers 400 with a message naming the field.
      </PageHeader>
      {[...byTag.entries()].map(([tag, ops]) => (
        <section key={tag} className="space-y-2">
          <h2 className="text-lg font-semibold capitalize">{tag}</h2>
          {ops.map((o) => (
            <Operation key={`${o.method} ${o.path}`} {...o} />
          ))}
        </section>
      ))}
      <Card title="Schemas">
        <dl className="space-y-1 text-sm">
          {Object.entries(doc.components?.schemas ?? {}).map(([name, s]) => (
            <div key={name}>
              <dt className="inline font-mono font-semibold">{name}</dt>{" "}
              <dd className="inline">{<SchemaInline s={s} />}</dd>
            </div>
          ))}
        </dl>
      </Card>
    </div>
  );
}
