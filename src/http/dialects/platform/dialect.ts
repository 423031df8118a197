/**
 * What a dialect plugin is: its routes (given only the options it declares), the path
 * prefixes it answers for, its error shape, and its webhook body. Dialects import this
 * folder and the HTTP helpers, never each other; `../index.ts` lists them.
 */
import type { FastifyInstance } from 'fastify';
import type { Dialect as DialectName, Task } from '../../../core/task.js';
import type { WebhookPayload } from '../../../webhooks/webhook-payload.js';
import type { PresentError } from './error-handler.js';

export interface Dialect<Options> {
  name: DialectName;
  /** Path prefixes this dialect owns: an unknown route under one answers in its error shape. */
  prefixes: readonly string[];
  routes(app: FastifyInstance, options: Options): Promise<void>;
  presentError: PresentError;
  /** The body (and dialect headers) of a finished task's webhook, as its poll endpoint shows the task. */
  webhookPayload(task: Task, base: string): WebhookPayload;
}
