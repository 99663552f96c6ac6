import Link from "next/link";
import { LogoutButton } from "./logout-button";
import { NavLinks } from "./nav-links";

export function DashboardNav() {
  return (
    <nav className="border-b border-slate-200 bg-white" data-testid="nav">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-2">
        <Link href="/dashboard" className="font-semibold">
          MindMate
        </Link>
        <NavLinks />
        <div className="ml-auto">
          <LogoutButton />
        </div>
      </div>
    </nav>
  );
}
