import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", "node_modules/**", "test-results/**", "playwright-report/**", "bench/results/**", "next-env.d.ts"],
  },
  {
    // Config is read in exactly one place: lib/config.ts.
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["lib/config.ts", "tests/**", "scripts/**"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through lib/config.ts." }],
    },
  },
];
export default config;
