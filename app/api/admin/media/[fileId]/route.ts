import { mediaParams, mediaResponse } from "@/lib/admin/profile";
import { adminRoute } from "@/lib/admin/route";

export const runtime = "nodejs";

/** A stored photo or voice message, fetched from Telegram by the server (no bot token in the browser). */
export const GET = adminRoute({ params: mediaParams }, ({ params }) => mediaResponse(params.fileId));
