import { createHash } from 'node:crypto';

/**
 * A second implementation of RFC 9162 §2.1, written from the RFC's recursive definitions alone
 * (MTH, PATH, PROOF/SUBPROOF) over the whole list of leaf inputs, sharing no code with
 * src/audit/merkle.ts: what the log stores and serves is checked against it.
 */
function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** The largest power of two smaller than n. */
function k(n: number): number {
  return 2 ** Math.ceil(Math.log2(n) - 1);
}

/** MTH(D[n]), §2.1.1. */
export function referenceRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return sha256(Buffer.from([0]), leaves[0]!);
  const split = k(leaves.length);
  return sha256(
    Buffer.from([1]),
    referenceRoot(leaves.slice(0, split)),
    referenceRoot(leaves.slice(split)),
  );
}

/** PATH(m, D[n]), §2.1.3.1. */
export function referenceInclusion(m: number, leaves: readonly Uint8Array[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const split = k(leaves.length);
  return m < split
    ? [...referenceInclusion(m, leaves.slice(0, split)), referenceRoot(leaves.slice(split))]
    : [
        ...referenceInclusion(m - split, leaves.slice(split)),
        referenceRoot(leaves.slice(0, split)),
      ];
}

/** PROOF(m, D[n]), §2.1.4.1. */
export function referenceConsistency(m: number, leaves: readonly Uint8Array[]): Buffer[] {
  if (m === 0 || m === leaves.length) return [];
  const subproof = (count: number, d: readonly Uint8Array[], b: boolean): Buffer[] => {
    if (count === d.length) return b ? [] : [referenceRoot(d)];
    const split = k(d.length);
    return count <= split
      ? [...subproof(count, d.slice(0, split), b), referenceRoot(d.slice(split))]
      : [...subproof(count - split, d.slice(split), false), referenceRoot(d.slice(0, split))];
  };
  return subproof(m, leaves, true);
}
