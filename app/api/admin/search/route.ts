import { adminRoute } from "@/lib/admin/route";
import { searchQuery } from "@/lib/admin/schemas";
import { searchMemories } from "@/lib/admin/search";

export const runtime = "nodejs";

/** Semantic / lexical / hybrid search over one user's or everyone's long-term memory. */
export const GET = adminRoute({ query: searchQuery }, ({ query }) => searchMemories(query));
