import { ConfigError, getConfig } from "@/lib/config";
import { buildHealth } from "@/lib/health";
import { getRuntime } from "@/lib/app";
import { setupChecks } from "@/lib/setup-status";
import { SetupChecklist } from "@/components/setup/setup-checklist";
import { ConfigErrorPanel } from "@/components/setup/config-error-panel";

export const dynamic = "force-dynamic";

/** Public start page: what is configured, what is missing and how to fix it. */
export default async function StartPage() {
  let config;
  try {
    config = getConfig();
  } catch (e) {
    if (e instanceof ConfigError) return <ConfigErrorPanel problems={e.problems} />;
    throw e;
  }
  const health = await buildHealth(getRuntime());
  return <SetupChecklist checks={setupChecks(config, health)} missing={config.missing} />;
}
