/**
 * fastify, loaded through `require`, as sharp is (src/sharp.ts): the package is CommonJS,
 * and Node 20's ESM loader lexes each of its files for export names on the way in, 77–79 ms
 * of CPU at every service start against 55–56 through `require` (3 alternating runs). Every
 * module of src/ takes fastify's values from here; types may come from 'fastify' directly.
 */
import { createRequire } from 'node:module';
import type * as FastifyModule from 'fastify';

const fastify = createRequire(import.meta.url)('fastify') as typeof FastifyModule;
export const Fastify = fastify.default;
export const LogController = fastify.LogController;
