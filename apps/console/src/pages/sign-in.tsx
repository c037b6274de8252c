import { useState } from 'preact/hooks';
import { ApiClient, ApiError } from '../lib/api';
import type { StoredSession } from '../lib/session';
import type { Session } from '../lib/types';
import { ErrorNote } from '../components';

/** Sign-in with an API key: the gateway says whose key it is and its role (GET /api/v1/whoami). */
export function SignIn({ onSignedIn, expired }: { onSignedIn(session: StoredSession): void; expired: boolean }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string | null>(expired ? 'The gateway no longer accepts that API key: sign in again.' : null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const secret = key.trim();
    if (secret === '') return setProblem('Paste an API key first.');
    setBusy(true);
    try {
      const who = await new ApiClient({ key: secret }).get<Session>('/whoami');
      onSignedIn({ key: secret, name: who.name, role: who.role });
    } catch (error) {
      setProblem(
        error instanceof ApiError && error.status === 401
          ? `That API key was not recognised (${error.message}). Check it and try again.`
          : `Could not sign in: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Crux ops console</h1>
      <p>Sign in with your API key. It stays in this browser tab only, until you sign out or close the tab.</p>
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <ErrorNote>{problem}</ErrorNote>
    </main>
  );
}
