import { randomBytes } from 'node:crypto';

export type IdPrefix =
  | 'ver'
  | 'lead'
  | 'sig'
  | 'tot'
  | 'evt'
  | 'app'
  | 'key'
  | 'whk'
  | 'msg'
  | 'dlv';

/** Opaque, unguessable ids: a type prefix and 128 random bits (api.md, Conventions). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

export function hasIdShape(prefix: IdPrefix, value: string): boolean {
  return new RegExp(`^${prefix}_[A-Za-z0-9_-]{22}$`).test(value);
}
