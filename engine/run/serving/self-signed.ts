import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * A self-signed serving certificate, as Kubernetes components make one when given none
 * (`MaybeDefaultWithSelfSignedCerts`): ECDSA P-256, SHA-256, a year, for `localhost`, 127.0.0.1
 * and the names given. Node can read certificates but not make them, so this writes the few DER
 * structures of RFC 5280 it needs.
 */

/** A DER element: tag, length, content. */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80
      ? Buffer.from([n])
      : n < 0x100
        ? Buffer.from([0x81, n])
        : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, item: Buffer): Buffer => tlv(0xa0 + n, item);
const bitString = (bytes: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const boolTrue = tlv(0x01, Buffer.from([0xff]));

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const part of rest) {
    const chunk = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(at: Date): Buffer {
  const text = at.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return tlv(0x17, Buffer.from(`${text}Z`, 'ascii'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolTrue] : []), octetString(value));
}

/** subjectAltName: DNS names ([2] IA5String) and IP addresses ([7] their bytes). */
function altNames(names: readonly string[]): Buffer {
  return sequence(
    ...names.map((name) => {
      if (isIP(name) === 4) return tlv(0x87, Buffer.from(name.split('.').map(Number)));
      if (isIP(name) === 6) return tlv(0x87, ipv6Bytes(name));
      return tlv(0x82, Buffer.from(name, 'ascii'));
    }),
  );
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = [
    ...groups(head),
    ...Array<string>(address.includes('::') ? missing : 0).fill('0'),
    ...groups(tail),
  ];
  return Buffer.from(all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));

export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

/** A new self-signed pair (PEM) for `localhost`, 127.0.0.1, ::1 and `names`, valid for a year. */
export function selfSignedPair(names: readonly string[] = [], now = new Date()): CertificatePair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const subject = sequence(
    set(sequence(oid('2.5.4.3'), utf8(`localhost@${String(Math.floor(now.getTime() / 1000))}`))),
  );
  const sans = [...new Set(['localhost', '127.0.0.1', '::1', ...names])];
  const tbs = sequence(
    explicit(0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    ecdsaWithSha256,
    subject,
    sequence(utcTime(now), utcTime(new Date(now.getTime() + 365 * 86_400_000))),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        extension('2.5.29.15', true, bitString(Buffer.from([0x80]))), // keyUsage: digitalSignature
        extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
        extension('2.5.29.19', true, sequence()), // basicConstraints: not a CA
        extension('2.5.29.17', false, altNames(sans)),
      ),
    ),
  );
  const certificate = sequence(tbs, ecdsaWithSha256, bitString(sign('sha256', tbs, privateKey)));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
