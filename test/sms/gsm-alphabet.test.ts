import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GSM7_BASIC, GSM7_ESCAPE, GSM7_EXTENSION } from '../../src/sms/gsm-alphabet.ts';
import {
  createSmppProvider,
  encodeGsm7,
  type SmppProvider,
} from '../../src/sms/providers/smpp/smpp.ts';
import { countSegments } from '../../src/sms/segments.ts';
import { type Simulator, startSmscSimulator } from '../helpers/smsc-simulator.ts';

// Characters next to the table that are not in it: the escape itself, lowercase ç, what only the
// national shift tables add (Turkish ı, Spanish Á, Portuguese ê and `), a tab, a no-break space,
// a curly apostrophe and an emoji.
const OUTSIDE = ['\x1b', 'ç', 'ı', 'Á', 'ê', '`', '\t', '\u00a0', '’', '👍'];

const BASIC = [...GSM7_BASIC.keys()].join('');
const EXTENSION = [...GSM7_EXTENSION.keys()].join('');

describe('the segment counter and the SMPP encoder read one GSM 03.38 table', () => {
  it('holds the 127 characters of the basic set and the 10 of the extension table', () => {
    expect(GSM7_BASIC.size).toBe(127);
    expect(GSM7_EXTENSION.size).toBe(10);
    expect(new Set([...GSM7_BASIC.values()]).size).toBe(127);
    expect([...GSM7_BASIC.values()]).not.toContain(GSM7_ESCAPE);
  });

  it('counts each basic character as the one septet the encoder writes', () => {
    const seen = [...GSM7_BASIC].map(([char, septet]) => ({
      char,
      counted: countSegments(char),
      encoded: [...encodeGsm7(char)],
      septet,
    }));
    const expected = [...GSM7_BASIC].map(([char, septet]) => ({
      char,
      counted: { encoding: 'GSM-7', units: 1, segments: 1 },
      encoded: [septet],
      septet,
    }));
    expect(seen).toEqual(expected);
  });

  it('counts each extension character as the two septets the encoder writes, escape first', () => {
    const seen = [...GSM7_EXTENSION].map(([char, septet]) => ({
      char,
      counted: countSegments(char),
      encoded: [...encodeGsm7(char)],
      septet,
    }));
    const expected = [...GSM7_EXTENSION].map(([char, septet]) => ({
      char,
      counted: { encoding: 'GSM-7', units: 2, segments: 1 },
      encoded: [GSM7_ESCAPE, septet],
      septet,
    }));
    expect(seen).toEqual(expected);
  });

  it.each(OUTSIDE)('sends the whole text as UCS-2 for %j, which the encoder refuses', (char) => {
    expect(countSegments(char).encoding).toBe('UCS-2');
    expect(countSegments(`${BASIC}${EXTENSION}${char}`).encoding).toBe('UCS-2');
    expect(() => encodeGsm7(char)).toThrow(RangeError);
    expect(() => encodeGsm7(`a${char}`)).toThrow(RangeError);
  });
});

describe('the whole table over SMPP, decoded by the smpp package', () => {
  let simulator: Simulator;
  let provider: SmppProvider;

  beforeAll(async () => {
    simulator = await startSmscSimulator({ systemId: 'tessera', password: 'pa55word' });
    provider = createSmppProvider({
      host: simulator.host,
      port: simulator.port,
      systemId: 'tessera',
      password: 'pa55word',
    });
    await provider.ready();
  });

  afterAll(async () => {
    await provider?.close();
    await simulator?.close();
  });

  const send = (to: string, text: string) =>
    provider.send(
      { appId: 'app_test', to, text, senderId: 'Tessera', reference: 'ver_test' },
      AbortSignal.timeout(5_000),
    );

  it('goes out as GSM-7, one octet per counted septet, and decodes back to the same text', async () => {
    // 127 + 2 × 10 = 147 septets: one SMS. The package's decoder is its own transcription of
    // the table, so a character at the wrong position here would come back as another one.
    const text = `${BASIC}${EXTENSION}`;
    expect(countSegments(text)).toEqual({ encoding: 'GSM-7', units: 147, segments: 1 });
    await send('+33612349001', text);
    const submit = simulator.submits.find((s) => s.destination === '33612349001');
    expect(submit).toMatchObject({ dataCoding: 0, text });
    expect(submit?.bytes).toHaveLength(147);
  });

  it.each(OUTSIDE.map((char, i) => [char, `+3361234910${i}`]))(
    'goes out as UCS-2 (data_coding 8) with %j in it',
    async (char, to) => {
      const text = `Code 123456 ${char}`;
      await send(to, text);
      const submit = simulator.submits.find((s) => s.destination === to.slice(1));
      expect(submit).toMatchObject({ dataCoding: 8 });
      expect(submit?.bytes).toEqual(Buffer.from(text, 'utf16le').swap16());
    },
  );
});
