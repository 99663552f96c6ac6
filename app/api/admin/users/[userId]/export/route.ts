import { adminRoute } from "@/lib/admin/route";
import { exportQuery, userParams } from "@/lib/admin/schemas";
import { exportUser } from "@/lib/admin/users";

export const runtime = "nodejs";

/** Everything stored about a user as a JSON download (importable with memory:import). */
export const GET = adminRoute({ params: userParams, query: exportQuery }, async ({ params, query }) => {
  const data = await exportUser(params.userId, query.vectors === "1");
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="mindmate-user-${params.userId}.json"`,
      "Cache-Control": "no-store",
    },
  });
});
