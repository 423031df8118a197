/** The API key, entered once and kept in this browser's localStorage. */

const STORAGE_KEY = 'stillmotion.apiKey';

export function loadKey(): string | undefined {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: the key lives for this page only
  }
}

export function saveKey(key: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, key);
  } catch {
    /* see loadKey */
  }
}

export function forgetKey(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    /* see loadKey */
  }
}

/** `KEY_ID:KEY_SECRET`, both parts non-empty: anything else cannot authenticate. */
export function looksLikeKey(value: string): boolean {
  return /^[^:\s]+:[^\s]+$/.test(value);
}
