// Reads the public header of an MLS message without any group state: what the delivery service
// needs to route and order messages (wire format, group, epoch, content type, sender kind).
// Nothing here decrypts or verifies; callers treat every field as a claim.
import { MlsError } from './errors.ts';
import { TlsReader } from './tls.ts';

export type ContentType = 'application' | 'proposal' | 'commit';

export type SenderKind =
  | { readonly kind: 'member'; readonly leafIndex: number }
  | { readonly kind: 'external'; readonly senderIndex: number }
  | { readonly kind: 'new_member_proposal' }
  | { readonly kind: 'new_member_commit' };

export type MessageHeader =
  | {
      readonly wireFormat: 'public_message';
      readonly groupId: Uint8Array;
      readonly epoch: bigint;
      readonly sender: SenderKind;
      readonly contentType: ContentType;
    }
  | {
      /** The sender of a private message is encrypted; only the group members learn it. */
      readonly wireFormat: 'private_message';
      readonly groupId: Uint8Array;
      readonly epoch: bigint;
      readonly contentType: ContentType;
    }
  | { readonly wireFormat: 'welcome'; readonly cipherSuite: number }
  | {
      readonly wireFormat: 'group_info';
      readonly cipherSuite: number;
      readonly groupId: Uint8Array;
      readonly epoch: bigint;
    }
  | { readonly wireFormat: 'key_package'; readonly cipherSuite: number };

export type WireFormat = MessageHeader['wireFormat'];

const MLS10 = 1;
const WIRE_FORMATS: Record<number, WireFormat> = {
  1: 'public_message',
  2: 'private_message',
  3: 'welcome',
  4: 'group_info',
  5: 'key_package',
};
const CONTENT_TYPES: Record<number, ContentType> = { 1: 'application', 2: 'proposal', 3: 'commit' };

/** Throws MlsError('malformed') for anything that is not an MLS 1.0 message header. */
export function readMessageHeader(bytes: Uint8Array): MessageHeader {
  if (!(bytes instanceof Uint8Array)) throw new MlsError('malformed');
  const r = new TlsReader(bytes);
  if (r.uint16() !== MLS10) throw new MlsError('malformed');
  const wireFormat = WIRE_FORMATS[r.uint16()];
  switch (wireFormat) {
    case 'public_message': {
      const groupId = r.opaque();
      const epoch = r.uint64();
      const sender = readSender(r);
      r.opaque(); // authenticated_data
      return { wireFormat, groupId, epoch, sender, contentType: readContentType(r) };
    }
    case 'private_message': {
      const groupId = r.opaque();
      const epoch = r.uint64();
      return { wireFormat, groupId, epoch, contentType: readContentType(r) };
    }
    case 'welcome':
      return { wireFormat, cipherSuite: r.uint16() };
    case 'group_info': {
      if (r.uint16() !== MLS10) throw new MlsError('malformed');
      const cipherSuite = r.uint16();
      const groupId = r.opaque();
      return { wireFormat, cipherSuite, groupId, epoch: r.uint64() };
    }
    case 'key_package':
      if (r.uint16() !== MLS10) throw new MlsError('malformed');
      return { wireFormat, cipherSuite: r.uint16() };
    case undefined:
      break;
  }
  throw new MlsError('malformed');
}

function readSender(r: TlsReader): SenderKind {
  switch (r.uint8()) {
    case 1:
      return { kind: 'member', leafIndex: r.uint32() };
    case 2:
      return { kind: 'external', senderIndex: r.uint32() };
    case 3:
      return { kind: 'new_member_proposal' };
    case 4:
      return { kind: 'new_member_commit' };
    default:
      throw new MlsError('malformed');
  }
}

function readContentType(r: TlsReader): ContentType {
  const type = CONTENT_TYPES[r.uint8()];
  if (type === undefined) throw new MlsError('malformed');
  return type;
}
