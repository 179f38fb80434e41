import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  consistencyRanges,
  createTreeBuilder,
  EMPTY_ROOT,
  hashRanges,
  inclusionRanges,
  leafHash,
  type NodeId,
  nodeHash,
  nodesOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.ts';
import { referenceConsistency, referenceInclusion, referenceRoot } from './rfc9162-reference.ts';

// transparency-dev/merkle's vectors, copied with their source (see the file's `source`).
interface InclusionCase {
  file: string;
  leafIdx: number;
  treeSize: number;
  root: string | null;
  leafHash: string | null;
  proof: string[] | null;
  wantErr: boolean;
}
interface ConsistencyCase {
  file: string;
  size1: number;
  size2: number;
  root1: string | null;
  root2: string | null;
  proof: string[] | null;
  wantErr: boolean;
}
const vectors = JSON.parse(
  readFileSync(new URL('./vectors/transparency-dev-merkle.json', import.meta.url), 'utf8'),
) as {
  rfc6962: Record<string, string>;
  leafInputsHex: string[];
  rootHashesHex: string[];
  inclusion: InclusionCase[];
  consistency: ConsistencyCase[];
};

const b64 = (text: string | null) => Buffer.from(text ?? '', 'base64');
const hex = (buffer: Buffer) => buffer.toString('hex');
const leaves = vectors.leafInputsHex.map((input) => Buffer.from(input, 'hex'));

/** Every complete subtree of the leaves, as the log stores them. */
function storedNodes(inputs: readonly Buffer[]): Map<string, Buffer> {
  const stored = new Map<string, Buffer>();
  let level = inputs.map((input) => leafHash(input));
  for (let depth = 0; level.length > 0; depth++) {
    for (const [index, hash] of level.entries()) stored.set(`${depth}/${index}`, hash);
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    level = next;
  }
  return stored;
}
const lookupIn = (stored: Map<string, Buffer>) => (node: NodeId) =>
  stored.get(`${node.level}/${node.index}`);

describe('RFC 9162 hashing (rfc6962_test.go vectors)', () => {
  it('hashes the empty tree, leaves and nodes as the reference does', () => {
    expect(hex(EMPTY_ROOT)).toBe(vectors.rfc6962.emptyRoot);
    expect(hex(leafHash(Buffer.alloc(0)))).toBe(vectors.rfc6962.emptyLeaf);
    expect(hex(leafHash(Buffer.from('L123456')))).toBe(vectors.rfc6962.leafL123456);
    expect(hex(nodeHash(Buffer.from('N123'), Buffer.from('N456')))).toBe(
      vectors.rfc6962.nodeN123N456,
    );
  });

  it('gives the reference root of every prefix of the reference leaves', () => {
    const stored = storedNodes(leaves);
    const builder = createTreeBuilder();
    expect(hex(builder.root())).toBe(vectors.rootHashesHex[0]);
    for (let size = 1; size <= leaves.length; size++) {
      builder.append(leafHash(leaves[size - 1]!));
      expect(hex(builder.root())).toBe(vectors.rootHashesHex[size]);
      const [root] = hashRanges([{ begin: 0, end: size }], lookupIn(stored));
      expect(hex(root!)).toBe(vectors.rootHashesHex[size]);
    }
  });
});

describe('inclusion proofs (transparency-dev/merkle testdata/inclusion)', () => {
  it.each(vectors.inclusion.map((c) => [c.file, c] as const))('%s', (_file, c) => {
    const ok = verifyInclusion(
      c.leafIdx,
      c.treeSize,
      b64(c.leafHash),
      (c.proof ?? []).map(b64),
      b64(c.root),
    );
    expect(ok).toBe(!c.wantErr);
  });

  it('produces the happy-path proofs of the reference tree from stored subtrees', () => {
    const stored = storedNodes(leaves);
    const happy = vectors.inclusion.filter(
      (c) => c.file.endsWith('happy-path.json') && c.treeSize <= 8,
    );
    expect(happy.length).toBeGreaterThan(3);
    for (const c of happy) {
      const proof = hashRanges(inclusionRanges(c.leafIdx, c.treeSize), lookupIn(stored));
      expect(proof.map((p) => p.toString('base64'))).toEqual(c.proof ?? []);
    }
  });
});

describe('consistency proofs (transparency-dev/merkle testdata/consistency)', () => {
  it.each(vectors.consistency.map((c) => [c.file, c] as const))('%s', (_file, c) => {
    const ok = verifyConsistency(
      c.size1,
      c.size2,
      b64(c.root1),
      b64(c.root2),
      (c.proof ?? []).map(b64),
    );
    expect(ok).toBe(!c.wantErr);
  });

  it('produces the happy-path proofs of the reference tree from stored subtrees', () => {
    const stored = storedNodes(leaves);
    const happy = vectors.consistency.filter(
      (c) => c.file.endsWith('happy-path.json') && c.size2 <= 8,
    );
    expect(happy.length).toBeGreaterThan(3);
    for (const c of happy) {
      const proof = hashRanges(consistencyRanges(c.size1, c.size2), lookupIn(stored));
      expect(proof.map((p) => p.toString('base64'))).toEqual(c.proof ?? []);
    }
  });
});

describe('against an implementation written from the RFC alone', () => {
  // Every size up to 70 and every index and earlier size in it: odd sizes, powers of two and
  // their neighbours, the shapes where an off-by-one would hide.
  const inputs = Array.from({ length: 70 }, (_, i) => Buffer.from(`event ${i}`));
  const stored = storedNodes(inputs);
  const lookup = lookupIn(stored);

  it('agrees on roots, inclusion and consistency proofs, and each proof verifies', () => {
    for (let size = 1; size <= inputs.length; size++) {
      const d = inputs.slice(0, size);
      const [root] = hashRanges([{ begin: 0, end: size }], lookup);
      expect(root).toEqual(referenceRoot(d));
      for (let m = 0; m < size; m++) {
        const proof = hashRanges(inclusionRanges(m, size), lookup);
        expect(proof).toEqual(referenceInclusion(m, d));
        expect(verifyInclusion(m, size, leafHash(d[m]!), proof, root!)).toBe(true);
        // The same proof for the neighbouring leaf is refused.
        if (size > 1) {
          expect(verifyInclusion((m + 1) % size, size, leafHash(d[m]!), proof, root!)).toBe(false);
        }
      }
      for (let from = 1; from < size; from++) {
        const proof = hashRanges(consistencyRanges(from, size), lookup);
        expect(proof).toEqual(referenceConsistency(from, d));
        const [old] = hashRanges([{ begin: 0, end: from }], lookup);
        expect(verifyConsistency(from, size, old!, root!, proof)).toBe(true);
        expect(verifyConsistency(from, size, root!, old!, proof)).toBe(false);
      }
    }
  });

  it('reads O(log n) stored nodes for a proof in a tree of 10 million leaves', () => {
    const size = 10_000_000;
    for (const index of [0, 1, 4_999_999, size - 1]) {
      expect(nodesOf(inclusionRanges(index, size)).length).toBeLessThanOrEqual(2 * Math.log2(size));
    }
    expect(nodesOf(consistencyRanges(3_333_333, size)).length).toBeLessThanOrEqual(
      2 * Math.log2(size),
    );
  });
});
