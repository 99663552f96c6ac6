/** Writes docs/keys.md from the key registry: `npm run keys:docs`. */
import { writeFileSync } from "node:fs";
import { renderKeysDoc } from "./keys-docs";

writeFileSync("docs/keys.md", renderKeysDoc());
console.log("wrote docs/keys.md");
