/**
 * The task record as a table row, shared by the SQLite and PostgreSQL stores: scalar
 * columns for what is queried, JSON text for the nested parts. Only the timestamp type
 * differs (SQLite INTEGER → number; PostgreSQL BIGINT → string), hence `T`.
 */
import type { TaskPatch } from '../core/ports.js';
import type { Task, TaskStatus } from '../core/task.js';

export interface TaskRow<T extends number | string> {
  id: string;
  job_id: string;
  owner_key_id: string;
  dialect: string;
  status: string;
  progress: number;
  attempts: number;
  params: string;
  resolved: string | null;
  results: string | null;
  error: string | null;
  webhook: string | null;
  idempotency_key: string | null;
  request_fingerprint: string | null;
  upstream: string | null;
  created_at: T;
  updated_at: T;
  started_at: T | null;
  finished_at: T | null;
}

/** Patch fields and their columns; JSON ones are stored as text. */
export const PATCH_COLUMNS = {
  status: { column: 'status', json: false, nullable: false },
  progress: { column: 'progress', json: false, nullable: false },
  attempts: { column: 'attempts', json: false, nullable: false },
  resolved: { column: 'resolved', json: true, nullable: true },
  results: { column: 'results', json: true, nullable: true },
  error: { column: 'error', json: true, nullable: true },
  upstream: { column: 'upstream', json: true, nullable: true },
  startedAt: { column: 'started_at', json: false, nullable: true },
  finishedAt: { column: 'finished_at', json: false, nullable: true },
} as const satisfies Record<keyof TaskPatch, { column: string; json: boolean; nullable: boolean }>;

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** `time` turns epoch milliseconds into the driver's timestamp value. */
export function taskToRow<T extends number | string>(task: Task, time: (ms: number) => T): TaskRow<T> {
  return {
    id: task.id,
    job_id: task.jobId,
    owner_key_id: task.ownerKeyId,
    dialect: task.dialect,
    status: task.status,
    progress: task.progress,
    attempts: task.attempts,
    params: JSON.stringify(task.params),
    resolved: json(task.resolved),
    results: json(task.results),
    error: json(task.error),
    webhook: json(task.webhook),
    idempotency_key: task.idempotencyKey ?? null,
    request_fingerprint: task.requestFingerprint ?? null,
    upstream: json(task.upstream),
    created_at: time(task.createdAt),
    updated_at: time(task.updatedAt),
    started_at: task.startedAt === undefined ? null : time(task.startedAt),
    finished_at: task.finishedAt === undefined ? null : time(task.finishedAt),
  };
}

/** Absent optional fields stay absent (not `undefined`-valued), so a round trip is deep-equal. */
export function taskFromRow(row: TaskRow<number | string>): Task {
  const task: Task = {
    id: row.id,
    jobId: row.job_id,
    ownerKeyId: row.owner_key_id,
    dialect: row.dialect as Task['dialect'],
    status: row.status as TaskStatus,
    progress: row.progress,
    attempts: row.attempts,
    params: JSON.parse(row.params) as Task['params'],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  if (row.resolved !== null) task.resolved = JSON.parse(row.resolved) as Task['resolved'];
  if (row.results !== null) task.results = JSON.parse(row.results) as Task['results'];
  if (row.error !== null) task.error = JSON.parse(row.error) as Task['error'];
  if (row.webhook !== null) task.webhook = JSON.parse(row.webhook) as Task['webhook'];
  if (row.idempotency_key !== null) task.idempotencyKey = row.idempotency_key;
  if (row.request_fingerprint !== null) task.requestFingerprint = row.request_fingerprint;
  if (row.upstream !== null && row.upstream !== undefined) task.upstream = JSON.parse(row.upstream) as Task['upstream'];
  if (row.started_at !== null) task.startedAt = Number(row.started_at);
  if (row.finished_at !== null) task.finishedAt = Number(row.finished_at);
  return task;
}
