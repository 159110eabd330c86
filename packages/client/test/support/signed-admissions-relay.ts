// Signed admissions for a server that does not keep them yet: the organizer's
// `POST /api/meetings/:id/admissions` goes to the server, and only if the server has no such
// route (404) is the statement kept here; each `GET /api/directory/admissions/:id` then gets the
// statements kept here added — what the server's own route does once it is in
// (docs/e2ee-profile.md "Who may enter"). The statements are the organizer device's real
// signatures; members check them as they would any.
export class SignedAdmissionsRelay {
  readonly #signed = new Map<string, { statement: string; signature: string }[]>();

  /** A fetch for ConclaveClient.connect that passes everything else to the real server. */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const submit = /^\/api\/meetings\/([^/]+)\/admissions$/u.exec(url.pathname);
    if (submit !== null && init?.method === 'POST') {
      const answer = await fetch(input, init);
      if (answer.status !== 404) return answer;
      const { admission } = JSON.parse(init.body as string) as {
        admission: { statement: string; signature: string };
      };
      const id = decodeURIComponent(submit[1]!);
      this.#signed.set(id, [...(this.#signed.get(id) ?? []), admission]);
      return Response.json({ kind: 'invitation-list', sequence: 1, users: [], expiresAt: '' });
    }
    const response = await fetch(input, init);
    const read = /^\/api\/directory\/admissions\/([^/]+)$/u.exec(url.pathname);
    if (read === null || !response.ok) return response;
    const view = (await response.json()) as { signed: unknown[] };
    view.signed = [...view.signed, ...this.signedFor(decodeURIComponent(read[1]!))];
    return Response.json(view);
  };

  signedFor(meetingId: string): readonly { statement: string; signature: string }[] {
    return this.#signed.get(meetingId) ?? [];
  }
}
