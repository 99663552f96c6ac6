/** Writes .env.example and docs/environment.md from the config schema: `npm run env:docs`. */
import { writeFileSync } from "node:fs";
import { renderEnvExample, renderEnvTable } from "./env-docs";

writeFileSync(".env.example", renderEnvExample());
writeFileSync("docs/environment.md", renderEnvTable());
console.log("wrote .env.example and docs/environment.md");
