/**
 * How deep JSON nests, measured without parsing it. Recursive code (a schema refinement's
 * JSON.stringify, canonical JSON) overflows the stack on a few thousand levels, which a 64 KiB body
 * easily holds; these let the limit be checked first, in one loop and no recursion.
 */

/**
 * The deepest nesting of `[` and `{` in JSON text, brackets inside strings not counted; stops
 * counting once past `limit` (the caller only needs to know that). Exact for valid JSON; for
 * invalid JSON never below what a parser reaches before it fails.
 */
export function jsonTextDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) i++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) {
      depth--;
    }
  }
  return deepest;
}

/** Whether a parsed value nests at most `limit` arrays and objects deep (a scalar is 0). */
export function jsonValueDepthAtMost(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > limit) return false;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth });
  }
  return true;
}
