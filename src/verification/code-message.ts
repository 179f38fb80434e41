import { countSegments, type SegmentCount } from '../sms/index.ts';

export interface CodeMessageInput {
  brand: string;
  code: string;
  ttlSeconds: number;
  locale: 'en' | 'fr';
  webOtpDomain?: string | null;
  /**
   * Android SMS Retriever app hash (11 characters). It must end the message, as WebOTP's line
   * must too, so an app that sets it gets it instead of the WebOTP line.
   */
  androidAppHash?: string | null;
  /** What the code is for (a document to sign), named in the message; shortened to fit. */
  subject?: string | null;
}

type Template = (brand: string, code: string, minutes: number) => string;

// Kept short so that a 30-character brand, a 10-digit code, "30 min" and a 40-character WebOTP
// domain still fit one GSM-7 SMS. Plain spaces only: the French no-break space before `:` is not in
// the GSM 7-bit alphabet (3GPP TS 23.038) and would turn the whole message into UCS-2.
const TEMPLATES: Record<CodeMessageInput['locale'], Template> = {
  en: (brand, code, minutes) =>
    `${brand}: your code is ${code}. Valid for ${minutes} min. Never share it.`,
  fr: (brand, code, minutes) =>
    `${brand} : votre code est ${code}. Valable ${minutes} min. Ne le partagez jamais.`,
};

// A code that signs names what it signs (the person must know what the code is for: EBA RTS on SCA,
// art. 5 dynamic linking, applies the same idea to payments).
const SUBJECT_TEMPLATES: Record<CodeMessageInput['locale'], SubjectTemplate> = {
  en: (brand, code, minutes, subject) =>
    `${brand}: code ${code} to sign "${subject}". Valid ${minutes} min. Never share it.`,
  fr: (brand, code, minutes, subject) =>
    `${brand} : code ${code} pour signer "${subject}". Valable ${minutes} min. Ne le partagez jamais.`,
};
type SubjectTemplate = (brand: string, code: string, minutes: number, subject: string) => string;

/** A subject is never cut below this: shorter than that it would no longer name anything. */
const MIN_SUBJECT_CHARS = 12;
const ELLIPSIS = '...';

/** The SMS that carries a verification code, and what it costs to send. */
export function renderCodeMessage(input: CodeMessageInput): {
  text: string;
  segments: SegmentCount;
} {
  const minutes = Math.floor(input.ttlSeconds / 60);
  let text = input.subject
    ? withSubject(input, minutes, input.subject)
    : TEMPLATES[input.locale](input.brand, input.code, minutes);
  if (input.androidAppHash) {
    // https://developers.google.com/identity/sms-retriever/verify#construct_a_verification_message
    text += `\n\n${input.androidAppHash}`;
  } else if (input.webOtpDomain) {
    // WebOTP message format (https://wicg.github.io/web-otp/#message-format): the last line is
    // `@<host> #<code>`, which lets the browser hand the code only to that origin.
    text += `\n\n@${input.webOtpDomain} #${input.code}`;
  }
  return { text, segments: countSegments(text) };
}

/**
 * The message naming `subject`, its title cut (ending in "...") until the whole SMS, with what
 * renderCodeMessage appends, fits one segment; if even MIN_SUBJECT_CHARS would not fit (a title
 * in an alphabet GSM-7 lacks), the whole title goes, in two segments.
 */
function withSubject(input: CodeMessageInput, minutes: number, subject: string): string {
  const template = SUBJECT_TEMPLATES[input.locale];
  const tail = input.androidAppHash
    ? `\n\n${input.androidAppHash}`
    : input.webOtpDomain
      ? `\n\n@${input.webOtpDomain} #${input.code}`
      : '';
  const render = (shown: string) => template(input.brand, input.code, minutes, shown);
  const fits = (shown: string) => countSegments(render(shown) + tail).segments === 1;
  const chars = Array.from(gsmFriendly(subject.replace(/\s+/g, ' ').trim()));
  const full = chars.join('');
  if (fits(full)) return render(full);
  for (let keep = chars.length - 1; keep >= MIN_SUBJECT_CHARS; keep--) {
    const shown = `${chars.slice(0, keep).join('').trimEnd()}${ELLIPSIS}`;
    if (fits(shown)) return render(shown);
  }
  // Cut to nothing recognisable it would still not fit: the whole title, in two SMS.
  return render(full);
}

/**
 * A letter GSM-7 lacks (ê, ł...) would turn the whole SMS into UCS-2 (70 characters a segment):
 * it loses its accent instead where that leaves a GSM-7 letter. The evidence keeps the exact title.
 */
function gsmFriendly(text: string): string {
  return Array.from(text, (char) => {
    if (countSegments(char).encoding === 'GSM-7') return char;
    const bare = char.normalize('NFD').replace(/\p{M}/gu, '');
    return bare && countSegments(bare).encoding === 'GSM-7' ? bare : char;
  }).join('');
}

/**
 * The longest code SMS a brand and WebOTP domain can give (10-digit code, 30 minutes, either
 * language): what configuration checks against one segment.
 */
export function worstCaseCodeMessage(
  brand: string,
  webOtpDomain: string | null,
  androidAppHash: string | null = null,
): SegmentCount {
  const counts = (['en', 'fr'] as const).map(
    (locale) =>
      renderCodeMessage({
        brand,
        code: '0123456789',
        ttlSeconds: 1800,
        locale,
        webOtpDomain,
        androidAppHash,
      }).segments,
  );
  return counts.reduce((worst, next) =>
    next.segments > worst.segments || next.units > worst.units ? next : worst,
  );
}
