import { createHash } from 'node:crypto';

/**
 * Merkle tree math of RFC 9162 §2.1 (the Certificate Transparency v2 tree, same as RFC 6962), with
 * no I/O: hashing, the complete subtrees a range of leaves splits into, which subtrees an
 * inclusion or consistency proof is made of, and the verification of both proofs.
 *
 * A stored log keeps the hash of every complete subtree: node (level, index) covers the leaves
 * [index·2^level, (index+1)·2^level). Any subtree a root or a proof needs is a fold of at most
 * log2(n) of them, so a proof reads O(log n) hashes however long the log.
 *
 * Sizes and indexes are JavaScript numbers (exact to 2^53), so no bitwise operator is used.
 */

export const HASH_BYTES = 32;

/** MTH({}) = SHA-256() (RFC 9162 §2.1.1): the root of an empty log. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({d}) = SHA-256(0x00 || d). */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** A complete subtree: leaves [index·2^level, (index+1)·2^level). Level 0 is a leaf. */
export interface NodeId {
  level: number;
  index: number;
}

/** Leaves [begin, end) of the log, whose hash is MTH(D[begin:end]). */
export interface LeafRange {
  begin: number;
  end: number;
}

/**
 * The complete subtrees [begin, end) splits into, left to right, each as large as its alignment
 * allows. For the ranges the RFC's recursion produces (begin a multiple of a power of two at
 * least end − begin), each one is the left child of what remains, so hashRange folds them.
 */
export function rangeNodes({ begin, end }: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  let at = begin;
  while (at < end) {
    let level = 0;
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level++;
    nodes.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return nodes;
}

/** MTH(D[begin:end]) from the hashes of rangeNodes(range), in that order (right to left fold). */
export function foldRange(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let root: Buffer = Buffer.from(hashes[hashes.length - 1]!);
  for (let i = hashes.length - 2; i >= 0; i--) root = nodeHash(hashes[i]!, root);
  return root;
}

/** The largest power of two strictly below n (n > 1): where RFC 9162 splits a tree of n leaves. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The subtrees whose hashes make the inclusion proof of leaf `index` in the tree of `size` leaves,
 * in proof order (RFC 9162 §2.1.3.1, PATH(m, D[n])): the sibling nearest the leaf first.
 */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && 0 <= index && index < size)) {
    throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  }
  const ranges: LeafRange[] = [];
  let begin = 0;
  let end = size;
  // Walks down from the root; siblings are collected top-down, so reversed at the end.
  while (end - begin > 1) {
    const k = split(end - begin);
    if (index < begin + k) {
      ranges.push({ begin: begin + k, end });
      end = begin + k;
    } else {
      ranges.push({ begin, end: begin + k });
      begin += k;
    }
  }
  return ranges.reverse();
}

/**
 * The subtrees whose hashes make the consistency proof from the tree of `from` leaves to that of
 * `to` (RFC 9162 §2.1.4.1, PROOF(m, D[n]) = SUBPROOF(m, D[n], true)), in proof order. Empty when
 * from is 0 or equals to.
 */
export function consistencyRanges(from: number, to: number): LeafRange[] {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && 0 <= from && from <= to)) {
    throw new RangeError(`no consistency proof from ${from} to ${to}`);
  }
  if (from === 0 || from === to) return [];
  const ranges: LeafRange[] = [];
  let begin = 0;
  let end = to;
  let m = from;
  let whole = true;
  // SUBPROOF, unrolled: each step adds one sibling after the proof of the part it descends into.
  for (;;) {
    const n = end - begin;
    if (m === n) {
      if (!whole) ranges.push({ begin, end });
      break;
    }
    const k = split(n);
    if (m <= k) {
      ranges.push({ begin: begin + k, end });
      end = begin + k;
    } else {
      ranges.push({ begin, end: begin + k });
      begin += k;
      m -= k;
      whole = false;
    }
  }
  return ranges.reverse();
}

/** Every stored node the given ranges need, once each. */
export function nodesOf(ranges: readonly LeafRange[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const range of ranges) {
    for (const node of rangeNodes(range)) seen.set(`${node.level}/${node.index}`, node);
  }
  return [...seen.values()];
}

/** The hash of each range, from a lookup of stored nodes (which must hold nodesOf(ranges)). */
export function hashRanges(
  ranges: readonly LeafRange[],
  lookup: (node: NodeId) => Uint8Array | undefined,
): Buffer[] {
  return ranges.map((range) =>
    foldRange(
      rangeNodes(range).map((node) => {
        const hash = lookup(node);
        if (!hash) throw new Error(`node ${node.level}/${node.index} is missing from the log`);
        return hash;
      }),
    ),
  );
}

function odd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === HASH_BYTES && b.length === HASH_BYTES && Buffer.from(a).equals(b);
}

/**
 * RFC 9162 §2.1.3.2: whether `proof` shows the leaf of hash `leaf` at `index` in the tree of
 * `size` leaves whose root is `root`.
 */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && 0 <= index && index < size)) {
    return false;
  }
  if (leaf.length !== HASH_BYTES || proof.some((p) => p.length !== HASH_BYTES)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(r, root);
}

/**
 * RFC 9162 §2.1.4.2: whether `proof` shows the tree of `from` leaves with root `fromRoot` to be a
 * prefix of the tree of `to` leaves with root `toRoot`. As the transparency-dev/merkle reference
 * does, equal sizes need an empty proof and equal roots, and a proof from the empty tree is
 * refused (it would say nothing).
 */
export function verifyConsistency(
  from: number,
  to: number,
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && 0 <= from && from <= to)) {
    return false;
  }
  if (proof.some((p) => p.length !== HASH_BYTES)) return false;
  if (from === 0) return false;
  if (from === to) return proof.length === 0 && Buffer.from(fromRoot).equals(toRoot);
  if (proof.length === 0) return false;
  // A first tree that is a complete subtree is its own first hash.
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : proof;
  let fn = from - 1;
  let sn = to - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, fromRoot) && sameHash(sr, toRoot);
}

/**
 * A log built leaf by leaf in memory, keeping only its frontier (O(log n) hashes): how an
 * offline verifier recomputes a root from an export without holding every leaf.
 */
export function createTreeBuilder() {
  // frontier[level]: the hash of the complete subtree at that level, if the size has that bit.
  const frontier: (Buffer | undefined)[] = [];
  let size = 0;
  return {
    append(leaf: Uint8Array): void {
      let hash: Buffer = Buffer.from(leaf);
      let level = 0;
      let index = size;
      while (odd(index)) {
        hash = nodeHash(frontier[level]!, hash);
        frontier[level] = undefined;
        level++;
        index = half(index);
      }
      frontier[level] = hash;
      size++;
    },
    get size(): number {
      return size;
    },
    root(): Buffer {
      // Largest subtree first, as rangeNodes(0, size) lists them.
      return foldRange(frontier.filter((hash): hash is Buffer => hash !== undefined).reverse());
    },
  };
}
