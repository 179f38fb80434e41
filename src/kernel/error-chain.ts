/** What a link of an error chain may say about itself; any field may be missing or of any type. */
export interface ErrorLink {
  readonly code?: unknown;
  readonly message?: unknown;
}

/**
 * An error, then everything it wraps: its `cause` (drizzle puts the driver's error there, pg-pool
 * its connect error) and, for an AggregateError (Node connecting to each address of a host), the
 * errors it gathers. Depth first, outermost first, each object once: a cause may point back up.
 */
export function* errorChain(error: unknown): Generator<ErrorLink> {
  const seen = new Set<object>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const link = pending.pop();
    if (typeof link !== 'object' || link === null || seen.has(link)) continue;
    seen.add(link);
    yield link;
    const gathered =
      link instanceof AggregateError && Array.isArray(link.errors) ? link.errors : [];
    // Pushed in reverse, so the cause comes out first, then the gathered errors in their order.
    pending.push(...[...gathered].reverse(), (link as { cause?: unknown }).cause);
  }
}

/** A link's `code` when it is a string (a SQLSTATE, a Node error code...). */
export function linkCode(link: ErrorLink): string | undefined {
  return typeof link.code === 'string' ? link.code : undefined;
}
