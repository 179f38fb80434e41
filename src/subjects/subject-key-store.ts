/** Where each person's subject key rests, wrapped (README, Subjects and erasure). */
export interface SubjectKeyStore {
  /** The wrapped key of this lookup in this app, or null when it has none. */
  find(appId: string, lookup: string): Promise<string | null>;
  /**
   * Stores `keySealed` unless the lookup already has a key; either way returns the one that is
   * stored, so two first sends to one number at once end up with one key.
   */
  ensure(appId: string, lookup: string, keySealed: string, at: Date): Promise<string>;
  /** Deletes the key (an erasure); true when there was one. */
  remove(appId: string, lookup: string): Promise<boolean>;
}
