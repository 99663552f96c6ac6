"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/dashboard", label: "Overview", testid: "nav-overview" },
  { href: "/dashboard/users", label: "Users", testid: "nav-users" },
  { href: "/dashboard/search", label: "Search", testid: "nav-search" },
  { href: "/dashboard/redis", label: "Redis", testid: "nav-redis" },
  { href: "/dashboard/playground", label: "Playground", testid: "nav-playground" },
  { href: "/docs", label: "API docs", testid: "nav-docs" },
];

/** Nav links with the current section highlighted (client: needs the pathname). */
export function NavLinks() {
  const path = usePathname();
  return (
    <ul className="flex flex-wrap gap-1">
      {LINKS.map((l) => {
        const active = l.href === "/dashboard" ? path === l.href : path.startsWith(l.href);
        return (
          <li key={l.href}>
            <Link
              href={l.href}
              data-testid={l.testid}
              aria-current={active ? "page" : undefined}
              className={`rounded-md px-3 py-1.5 text-sm ${active ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-200"}`}
            >
              {l.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
