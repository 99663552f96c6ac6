import { openApiDocument } from "@/lib/admin/openapi";
import { adminRoute } from "@/lib/admin/route";

export const runtime = "nodejs";

/** The admin API as OpenAPI 3, generated from the zod schemas the routes parse with. */
export const GET = adminRoute({}, async () => openApiDocument());
