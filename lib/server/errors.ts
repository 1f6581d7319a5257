/** The errors pages and services raise, each answered by the app with its status (lib/server/app.tsx). */

/** Raised by pages for a missing resource; the app answers with the 404 page. */
export class NotFound extends Error {
  override name = "NotFound";
}

/** An unknown run, a plain file where a run folder would be, or a name that tries to leave the runs folder: 404. */
export class RunNotFound extends Error {
  override name = "RunNotFound";
}

/** Raised for bad input; the app answers 400 with the reason. */
export class BadRequest extends Error {
  override name = "BadRequest";
}

/** Raised when too much conditioning work is queued; the app answers 503 with Retry-After. */
export class Busy extends Error {
  override name = "Busy";
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}
