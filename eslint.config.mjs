import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "test-results/**",
      "playwright-report/**",
      "bench/results/**",
      "next-env.d.ts",
    ],
  },
  {
    // Config is read in exactly one place: lib/config.ts.
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["lib/config.ts", "tests/**", "scripts/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/config.ts." },
      ],
    },
  },
  {
    // Redis is reached through lib/redis (client, keys, Lua) and the memory layer; everyone else
    // imports the client type from lib/redis/client.ts, so a second way to talk to Redis cannot creep in.
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["lib/redis/**", "lib/memory/**", "tests/**", "scripts/**", "bench/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "ioredis", message: "Use lib/redis/client.ts (type Redis) or the memory facade." }] },
      ],
    },
  },
];
export default config;
