import { ConfigError } from "@/lib/config";
import { buildHealth } from "@/lib/health";
import { getRuntime } from "@/lib/app";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Liveness + readiness: 200 when Redis answers and an engine is chosen, else 503 with why. */
export async function GET(): Promise<Response> {
  try {
    const report = await buildHealth(getRuntime());
    return Response.json(report, {
      status: report.status === "down" ? 503 : 200,
      headers: { "Cache-Control": "no-store" },
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      return Response.json(
        { status: "down", reasons: e.problems.map((p) => `${p.variable}: ${p.message}`) },
        { status: 503 },
      );
    }
    throw e;
  }
}
