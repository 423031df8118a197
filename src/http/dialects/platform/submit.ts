/**
 * Request translation every dialect shares (the Idempotency-Key header), and the flat
 * DoP body — v2's model endpoints, and the v2 SDK's flat body on v1's path — as the task
 * core's submit request.
 */
import type { SubmitRequest } from '../../../core/task-service.js';
import type { ModelTier } from '../../../core/task.js';
import { cameraRequestOf, hasCameraFields } from '../../camera-schemas.js';
import type { DopV2Body } from './schemas.js';
import { DEFAULT_MOTION, NO_PRESET } from './tiers.js';

type Headers = Record<string, string | string[] | undefined>;

/** `Idempotency-Key` header (1–200 printable characters), when present. */
export function idempotencyKeyOf(header: string | string[] | undefined): { idempotencyKey?: string } {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return {};
  return { idempotencyKey: value.slice(0, 200) };
}

/** A flat (v2-named) DoP body as a submit request; `hf_webhook` is its webhook. */
export function flatSubmitRequest(
  ownerKeyId: string,
  body: DopV2Body,
  model: ModelTier,
  headers: Headers,
  webhookUrl: string | undefined,
  baseUrl: string,
): SubmitRequest {
  const motions = body.motions?.length
    ? body.motions.map((m, i) => ({ ref: m.id, strength: m.strength ?? 1, field: `motions[${i}].id` }))
    : [
        {
          ref: body.motion_id ?? (hasCameraFields(body) ? NO_PRESET : DEFAULT_MOTION),
          strength: 1,
          field: 'motion_id',
        },
      ];
  return {
    ownerKeyId,
    dialect: 'v2',
    model,
    motions,
    prompt: body.prompt ?? '',
    enhancePrompt: body.enhance_prompt ?? true,
    images: [
      { value: body.image_url, field: 'image_url' },
      ...(body.end_image_url ? [{ value: body.end_image_url, field: 'end_image_url' }] : []),
    ],
    ...(body.seed != null && { seed: body.seed }),
    ...(body.check_nsfw != null && { checkNsfw: body.check_nsfw }),
    ...(body.duration !== undefined && { duration: body.duration }),
    ...(body.fps !== undefined && { fps: body.fps }),
    ...(body.width !== undefined && { width: body.width }),
    ...(body.height !== undefined && { height: body.height }),
    ...cameraRequestOf(body, ''),
    ...(webhookUrl && { webhook: { url: webhookUrl, baseUrl }, webhookField: 'hf_webhook' }),
    ...idempotencyKeyOf(headers['idempotency-key']),
  };
}
