/**
 * The GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1, GSM 03.38), once: the segment counter
 * decides from it whether a text goes out as GSM-7, and the SMPP encoder writes its septets, so
 * the two cannot disagree on a character.
 */

/** The escape to the extension table (septet 0x1B): not a character of its own. */
export const GSM7_ESCAPE = 0x1b;

// The basic set indexed by septet, 0x1B included so each character sits at its own position.
// 0x09 is the capital Ç; lowercase ç is not in the table.
const BASIC_BY_SEPTET =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The basic set: each character and its septet (127 characters). */
export const GSM7_BASIC: ReadonlyMap<string, number> = new Map(
  [...BASIC_BY_SEPTET]
    .map((char, septet) => [char, septet] as const)
    .filter(([, septet]) => septet !== GSM7_ESCAPE),
);

/** §6.2.1.1, the extension table: each character and the septet that follows the escape. */
export const GSM7_EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);

const SEPTETS: ReadonlyMap<string, readonly number[]> = new Map<string, readonly number[]>([
  ...[...GSM7_BASIC].map(([char, septet]): [string, number[]] => [char, [septet]]),
  ...[...GSM7_EXTENSION].map(([char, septet]): [string, number[]] => [char, [GSM7_ESCAPE, septet]]),
]);

/**
 * The septets that carry one character (a code point): its own, or the escape and its extension
 * septet; undefined for a character outside the alphabet, which sends the whole text as UCS-2.
 */
export function gsm7Septets(char: string): readonly number[] | undefined {
  return SEPTETS.get(char);
}
