import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

/**
 * C2SP signed notes with Ed25519 (https://c2sp.org/signed-note) carrying C2SP checkpoints
 * (https://c2sp.org/tlog-checkpoint), with no I/O. A note is text ending in a newline, a blank
 * line, then one line per signature: `— <key name> <base64(key ID || signature)>`. The key ID is
 * SHA-256(key name || 0x0A || 0x01 || public key)[:4]; the signature is over the text (its final
 * newline included). The verifier key string is Go's golang.org/x/mod/sumdb/note format:
 * `<name>+<key ID, 8 hex digits>+<base64(0x01 || public key)>`.
 */

const ED25519 = 0x01;
// DER prefixes that turn a raw 32-byte Ed25519 seed or public key into a key object (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNATURE_LINE = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/;

export interface NoteVerifier {
  name: string;
  publicKey: Buffer;
  keyId: Buffer;
}

export interface NoteSigner extends NoteVerifier {
  /** The signed note of `text` (which must end in a newline). */
  sign(text: string): string;
}

/** A key name as the spec wants it: non-empty, printable, no space and no `+`. */
export function isKeyName(name: string): boolean {
  return /^[\x21-\x7e]+$/.test(name) && !name.includes('+');
}

export function keyId(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The signer of `name` from a 32-byte Ed25519 seed (the RFC 8032 private key). */
export function createNoteSigner(name: string, seed: Uint8Array): NoteSigner {
  if (!isKeyName(name)) throw new Error(`${JSON.stringify(name)} is not a key name`);
  if (seed.length !== 32) throw new Error('an Ed25519 private key is 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey)
    .export({ format: 'der', type: 'spki' })
    .subarray(SPKI_PREFIX.length);
  const id = keyId(name, publicKey);
  return {
    name,
    publicKey,
    keyId: id,
    sign(text) {
      if (!text.endsWith('\n')) throw new Error('a note text ends with a newline');
      const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
      return `${text}\n\u2014 ${name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
    },
  };
}

export function verifierKeyString(verifier: NoteVerifier): string {
  const key = Buffer.concat([Buffer.from([ED25519]), verifier.publicKey]).toString('base64');
  return `${verifier.name}+${verifier.keyId.toString('hex')}+${key}`;
}

/** Reads a verifier key string; throws, saying why, on anything else. */
export function parseVerifierKey(text: string): NoteVerifier {
  // The name has no '+', the id is hex; the base64 key may hold '+'.
  const match = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(text.trim());
  if (!match) throw new Error('a verifier key is <name>+<8 hex digits>+<base64 key>');
  const [, name, id, key] = match as unknown as [string, string, string, string];
  const raw = Buffer.from(key, 'base64');
  if (!isKeyName(name) || raw.length !== 33 || raw[0] !== ED25519) {
    throw new Error('not an Ed25519 verifier key (<name>+<8 hex digits>+<base64(0x01 || key)>)');
  }
  const publicKey = raw.subarray(1);
  if (keyId(name, publicKey).toString('hex') !== id) {
    throw new Error('the key id does not match the name and key');
  }
  return { name, publicKey, keyId: Buffer.from(id, 'hex') };
}

/**
 * The text of `note` if it carries a valid signature by `verifier` (other signatures, of keys
 * this verifier does not know, are allowed, as the spec says); null otherwise.
 */
export function openNote(note: string, verifier: NoteVerifier): string | null {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return null;
  const text = note.slice(0, split + 1);
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, verifier.publicKey]),
    format: 'der',
    type: 'spki',
  });
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = SIGNATURE_LINE.exec(line);
    if (!match) return null;
    if (match[1] !== verifier.name) continue;
    const signed = Buffer.from(match[2]!, 'base64');
    if (signed.length !== 4 + 64 || !signed.subarray(0, 4).equals(verifier.keyId)) continue;
    if (verify(null, Buffer.from(text, 'utf8'), publicKey, signed.subarray(4))) return text;
  }
  return null;
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

/** The checkpoint's note text: origin, decimal size, base64 root hash, each on its line. */
export function checkpointText({ origin, size, root }: Checkpoint): string {
  return `${origin}\n${size}\n${root.toString('base64')}\n`;
}

/** Reads a checkpoint's text (extension lines after the root are allowed and ignored). */
export function parseCheckpoint(text: string): Checkpoint | null {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') return null;
  const [origin, size, root] = lines as [string, string, string];
  const hash = Buffer.from(root, 'base64');
  if (
    origin === '' ||
    !/^(0|[1-9][0-9]*)$/.test(size) ||
    !Number.isSafeInteger(Number(size)) ||
    hash.length !== 32 ||
    hash.toString('base64') !== root
  ) {
    return null;
  }
  return { origin, size: Number(size), root: hash };
}

/** The checkpoint a note carries, if `verifier` signed it. */
export function openCheckpoint(note: string, verifier: NoteVerifier): Checkpoint | null {
  const text = openNote(note, verifier);
  return text === null ? null : parseCheckpoint(text);
}
