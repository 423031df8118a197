/**
 * Wire schemas of Higgsfield's platform v2 (model endpoints and the request queue), as
 * `@higgsfield/client/v2` and the Python SDK use them. The flat body and the request
 * object are the platform's (../platform/schemas.ts: v1's path takes them too); unknown
 * fields are ignored.
 */
import { Type } from 'typebox';

export const RequestParams = Type.Object({ request_id: Type.String({ minLength: 1, maxLength: 100 }) });
