import { metricsResponse } from "@/lib/metrics/prometheus";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Prometheus scrape endpoint (lib/metrics/prometheus.ts): 404 while METRICS_TOKEN is unset,
 * 401 without `Authorization: Bearer <METRICS_TOKEN>`, 503 when Redis is unreachable.
 */
export function GET(req: Request): Promise<Response> {
  return metricsResponse(req);
}
