import { EXPORT_TRAILER_TYPE } from './export-format.ts';
import { leafHashOf } from './export-line.ts';
import { createTreeBuilder, verifyInclusion } from './merkle.ts';
import { type Checkpoint, type NoteVerifier, openCheckpoint } from './signed-note.ts';

/**
 * Offline checks of an app's log, from files alone (no database, no other app's rows): what
 * `tessera audit verify-export` and `verify-proof` run, and what a third party can rewrite from
 * the README. No I/O here: the caller reads the files.
 */

export type OfflineVerdict =
  | { ok: true; summary: string }
  | { ok: false; problem: string; line?: number; eventId?: string };

/**
 * The signed note in a checkpoint file: a bare signed note, a JSON object with a `note` member
 * (GET /v1/audit/checkpoint), or JSON lines of them (AUDIT_CHECKPOINT_FILE), of which the one of
 * `appId` (when given) with the largest size is taken: the one a removed tail contradicts.
 */
export function pickCheckpointNote(content: string, appId: string | null): string {
  if (!content.trimStart().startsWith('{')) return content;
  const entries = content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { app_id?: string; tree_size?: number; note?: string });
  const candidates = entries.filter(
    // GET /v1/audit/checkpoint's answer names no app_id: its note's origin does, checked later.
    (entry) =>
      typeof entry.note === 'string' &&
      (appId === null || entry.app_id === undefined || entry.app_id === appId),
  );
  if (candidates.length === 0) throw new Error('the file holds no checkpoint of this app');
  candidates.sort((a, b) => (b.tree_size ?? 0) - (a.tree_size ?? 0));
  return candidates[0]!.note!;
}

/** The app a checkpoint is about: its origin is `<log name>/<app id>`. */
function appOf(checkpoint: Checkpoint): string {
  return checkpoint.origin.slice(checkpoint.origin.lastIndexOf('/') + 1);
}

/**
 * Recomputes the app's Merkle log from the lines of its ndjson export (GET /v1/audit/events/export,
 * oldest first, no filters), in order, and compares the root of the first `size` leaves with the
 * checkpoint `verifier` signed; the export's trailer line is skipped. Every line must be of the
 * checkpoint's app and, if it says, at its own leaf_index. Fewer lines than the checkpoint's size
 * is a removed tail; a changed line gives another root.
 */
export function verifyExport(
  lines: Iterable<string>,
  note: string,
  verifier: NoteVerifier,
): OfflineVerdict {
  const checkpoint = openCheckpoint(note, verifier);
  if (!checkpoint) {
    return { ok: false, problem: `the checkpoint is not signed by ${verifier.name}'s key` };
  }
  const appId = appOf(checkpoint);
  const builder = createTreeBuilder();
  let root: Buffer | null = checkpoint.size === 0 ? builder.root() : null;
  let number = 0;
  for (const text of lines) {
    number++;
    if (text.trim() === '') continue;
    let line: Record<string, unknown>;
    let leaf: Buffer;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
      // GET /v1/audit/events/export ends with this line: no event, so no leaf.
      if (line.type === EXPORT_TRAILER_TYPE) continue;
      leaf = leafHashOf(line);
    } catch (error) {
      return {
        ok: false,
        problem: `not an export line: ${(error as Error).message}`,
        line: number,
      };
    }
    const eventId = String(line.id);
    if (line.app_id !== appId) {
      return { ok: false, problem: `an event of another app than ${appId}`, line: number, eventId };
    }
    if (line.leaf_index !== undefined && line.leaf_index !== builder.size) {
      return {
        ok: false,
        problem: `leaf_index ${String(line.leaf_index)} where ${builder.size} was expected (a line is missing or out of order)`,
        line: number,
        eventId,
      };
    }
    builder.append(leaf);
    if (builder.size === checkpoint.size) root = builder.root();
  }
  if (root === null) {
    return {
      ok: false,
      problem: `the export holds ${builder.size} events, the checkpoint ${checkpoint.size}: its tail is missing`,
    };
  }
  if (!root.equals(checkpoint.root)) {
    return {
      ok: false,
      problem: `the first ${checkpoint.size} events give another root than the signed checkpoint: an event was changed, added or removed`,
    };
  }
  return {
    ok: true,
    summary: `${checkpoint.size} events of ${appId} match the checkpoint signed by ${verifier.name}${
      builder.size > checkpoint.size
        ? ` (${builder.size - checkpoint.size} later events not covered)`
        : ''
    }`,
  };
}

/** GET /v1/audit/events/{id}/proof's answer, as saved to a file. */
export interface ProofDocument {
  event: Record<string, unknown>;
  leaf_index: number;
  tree_size: number;
  inclusion_path: string[];
  checkpoint: { note: string } | null;
}

/**
 * Checks one event's inclusion proof against a signed checkpoint of the same size: the one in the
 * proof document, or `note` when given (a checkpoint kept elsewhere).
 */
export function verifyProof(
  proof: ProofDocument,
  verifier: NoteVerifier,
  note: string | null = null,
): OfflineVerdict {
  const signedNote = note ?? proof.checkpoint?.note;
  if (!signedNote) return { ok: false, problem: 'no signed checkpoint to check the proof against' };
  const checkpoint = openCheckpoint(signedNote, verifier);
  if (!checkpoint) {
    return { ok: false, problem: `the checkpoint is not signed by ${verifier.name}'s key` };
  }
  const eventId = String(proof.event?.id);
  if (checkpoint.size !== proof.tree_size) {
    return {
      ok: false,
      problem: `the proof is for ${proof.tree_size} events, the checkpoint for ${checkpoint.size}`,
      eventId,
    };
  }
  if (proof.event?.app_id !== appOf(checkpoint)) {
    return { ok: false, problem: "the event is not of the checkpoint's app", eventId };
  }
  let leaf: Buffer;
  try {
    leaf = leafHashOf(proof.event);
  } catch (error) {
    return { ok: false, problem: `not an export line: ${(error as Error).message}`, eventId };
  }
  const path = (proof.inclusion_path ?? []).map((hash) => Buffer.from(hash, 'base64'));
  if (!verifyInclusion(proof.leaf_index, proof.tree_size, leaf, path, checkpoint.root)) {
    return { ok: false, problem: 'the proof does not lead to the signed root', eventId };
  }
  return {
    ok: true,
    summary: `event ${eventId} is leaf ${proof.leaf_index} of the ${checkpoint.size} events signed by ${verifier.name} for ${appOf(checkpoint)}`,
  };
}
