import { defineConfig } from "vitest/config";

const sourceCondition = { conditions: ["@meerkat/source"] };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: sourceCondition,
        ssr: { resolve: { conditions: ["@meerkat/source"] } },
        test: {
          name: "unit",
          sequence: { groupOrder: 0 },
          include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        resolve: sourceCondition,
        ssr: { resolve: { conditions: ["@meerkat/source"] } },
        test: {
          name: "integration",
          sequence: { groupOrder: 1 },
          include: ["tests/**/*.int.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration files start real processes; two at a time fits a 2-core machine.
          maxWorkers: 2,
        },
      },
    ],
  },
});
