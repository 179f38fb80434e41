import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * The example site's own users and sessions, in memory: a real site keeps them in its database.
 * Tessera knows nothing of them; it only sends and checks the codes.
 */

export interface Account {
  username: string;
  passwordHash: string;
  /** As the user typed it at sign-up, with its country: Tessera normalises it on each send. */
  phone: string;
  country: string;
}

/** A code on its way: which flow, which Tessera verification, and what to do once it is approved. */
export interface PendingCode {
  flow: 'login' | 'signup';
  verificationId: string;
  /** Tessera's masked form of the number, to show on the code page. */
  maskedPhone: string;
  account: Account;
}

export interface Session {
  pending: PendingCode | null;
  signedInAs: string | null;
}

export interface Accounts {
  find(username: string): Account | undefined;
  add(account: Account): boolean;
  /** The account when the password is right; argon2 runs even for an unknown name (no timing hint). */
  authenticate(username: string, password: string): Promise<Account | null>;
  hashPassword(password: string): Promise<string>;
}

export function createAccounts(): Accounts {
  const byName = new Map<string, Account>();
  const decoy = hash('not a password of anyone');
  return {
    find: (username) => byName.get(username),
    add(account) {
      if (byName.has(account.username)) return false;
      byName.set(account.username, account);
      return true;
    },
    async authenticate(username, password) {
      const account = byName.get(username);
      const ok = await verify(account?.passwordHash ?? (await decoy), password);
      return ok && account ? account : null;
    },
    hashPassword: (password) => hash(password),
  };
}

export interface Sessions {
  open(): { token: string; session: Session };
  get(token: string | undefined): Session | undefined;
  close(token: string): void;
}

export function createSessions(): Sessions {
  const byToken = new Map<string, Session>();
  return {
    open() {
      const token = randomBytes(32).toString('base64url');
      const session: Session = { pending: null, signedInAs: null };
      byToken.set(token, session);
      return { token, session };
    },
    get: (token) => (token ? byToken.get(token) : undefined),
    close: (token) => void byToken.delete(token),
  };
}
