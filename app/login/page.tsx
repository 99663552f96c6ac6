import { redirect } from "next/navigation";
import { safeNextPath } from "@/lib/auth/next-path";
import { isLoggedIn } from "@/lib/auth/page-guard";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Only same-origin paths are followed after login (no open redirect): lib/auth/next-path.ts.
  const next = safeNextPath((await searchParams).next);
  if (await isLoggedIn()) redirect(next);
  return (
    <main className="mx-auto mt-24 max-w-sm p-6" data-testid="login-page">
      <h1 className="text-2xl font-semibold">MindMate dashboard</h1>
      <p className="mt-1 text-sm text-slate-600">
        Enter the admin password (<code>ADMIN_PASSWORD</code>, or the one printed in the server log at start).
      </p>
      <LoginForm next={next} />
    </main>
  );
}
