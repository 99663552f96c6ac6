import type { ReactNode } from "react";
import { DashboardNav } from "@/components/dashboard/nav";
import { requireAdminPage } from "@/lib/auth/page-guard";

export const dynamic = "force-dynamic";

/** Every page in this group needs a session (the proxy checks first; this is the second lock). */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  await requireAdminPage();
  return (
    <div className="min-h-screen">
      <DashboardNav />
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
