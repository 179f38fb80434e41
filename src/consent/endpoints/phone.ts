import { RefusedError } from '../../kernel/errors.ts';
import { normalizePhone } from '../../kernel/phone.ts';

/** The E.164 form of a number a consent request names, or a 422. */
export function phoneOrRefuse(input: string, country?: string): string {
  const phone = normalizePhone(input, country);
  if (!phone.ok) throw new RefusedError('invalid_phone_number', 'The number is not valid.');
  return phone.e164;
}
