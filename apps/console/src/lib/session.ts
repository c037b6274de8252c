/**
 * The signed-in key, kept in this tab's sessionStorage: it survives a reload of the tab,
 * is gone when the tab closes, and is never put in a URL or in localStorage.
 */
import type { Session } from './types';

const STORAGE_KEY = 'crux-console-session';

export interface StoredSession extends Session {
  key: string;
}

export function loadSession(storage: Pick<Storage, 'getItem'> = sessionStorage): StoredSession | null {
  try {
    const value = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<StoredSession> | null;
    if (value && typeof value.key === 'string' && typeof value.name === 'string' && typeof value.role === 'string')
      return value as StoredSession;
  } catch {
    // A damaged entry is the same as none: sign in again.
  }
  return null;
}

export function saveSession(session: StoredSession, storage: Pick<Storage, 'setItem'> = sessionStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(storage: Pick<Storage, 'removeItem'> = sessionStorage): void {
  storage.removeItem(STORAGE_KEY);
}
