/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// The gateway the dev server forwards API calls to (same origin in production).
const gateway = process.env.EC_GATEWAY_URL ?? 'http://127.0.0.1:8080';

type Json = Record<string, unknown>;
const RULES = ['maxLength', 'minLength', 'minimum', 'maximum', 'pattern', 'minItems', 'maxItems'];
const rules = (schema: unknown): Json =>
  Object.fromEntries(RULES.filter((k) => typeof schema === 'object' && schema !== null && k in schema).map((k) => [k, (schema as Json)[k]]));
const mapValues = (o: unknown, f: (value: unknown) => unknown): Json =>
  Object.fromEntries(Object.entries(typeof o === 'object' && o !== null ? o : {}).map(([k, v]) => [k, f(v)]));

/** The object without its undefined members; undefined when none is left. */
const nonEmpty = (o: Json): Json | undefined => {
  const kept = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return Object.keys(kept).length > 0 ? kept : undefined;
};

/**
 * `src/lib/limits.ts` imports the OpenAPI document for its field rules
 * (maxLength, minimum, pattern...). The bundle gets those rules only: each
 * schema property and operation parameter that has rule keywords, with
 * those keywords, not the whole document (a fraction of its size). Tests
 * run through this too, and `limits.test.ts` checks what is read against the whole file.
 */
function openapiRulesOnly(): Plugin {
  const file = fileURLToPath(new URL('./openapi.json', import.meta.url));
  return {
    name: 'openapi-rules-only',
    enforce: 'pre',
    transform(code, id) {
      if (id !== file) return null;
      const doc = JSON.parse(code) as { components?: { schemas?: unknown }; paths?: unknown };
      const pruned = {
        components: {
          schemas: nonEmpty(mapValues(doc.components?.schemas, (s) => nonEmpty({ properties: nonEmpty(mapValues((s as Json).properties, (p) => nonEmpty(rules(p)))) }))),
        },
        paths: nonEmpty(
          mapValues(doc.paths, (item) =>
            nonEmpty(
              mapValues(item, (op) => {
                const parameters = ((op as Json).parameters as Json[] | undefined)?.flatMap((p) => {
                  const schema = nonEmpty(rules(p.schema));
                  return schema ? [{ name: p.name, in: p.in, schema }] : [];
                });
                return parameters?.length ? { parameters } : undefined;
              }),
            ),
          ),
        ),
      };
      return { code: JSON.stringify(pruned), map: null };
    },
  };
}

export default defineConfig({
  plugins: [openapiRulesOnly(), react(), tailwindcss()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: gateway, changeOrigin: true },
      '/healthz': { target: gateway, changeOrigin: true },
      '/readyz': { target: gateway, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
});
