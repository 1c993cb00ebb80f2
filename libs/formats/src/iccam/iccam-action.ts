import { type DispatchAck, type RecipientKind } from '@wissel/domain';
import { ICCAM_ACTION_TYPES, type IccamActionCode } from './iccam-report';

/** The ICCAM action a bridge posts for an ack: its code and ICCAM v3 action type id. */
export interface IccamActionOfAck {
  code: IccamActionCode;
  actionType: (typeof ICCAM_ACTION_TYPES)[IccamActionCode];
}

/**
 * What a Wissel ack means in ICCAM, so a bridge can report back (docs/formats/iccam.md).
 * `undefined`: nothing to post. A police recipient's receipt is ICCAM's LEA action; every
 * other receipt is not an action in ICCAM. A rejection is ICCAM's NI only when the
 * recipient found the material not illegal: not being competent or a duplicate says
 * nothing about the content.
 */
export function iccamActionOf(
  ack: Pick<DispatchAck, 'kind'> & { reason?: string },
  recipientKind?: RecipientKind,
): IccamActionOfAck | undefined {
  const code = codeOf(ack, recipientKind);
  return code === undefined ? undefined : { code, actionType: ICCAM_ACTION_TYPES[code] };
}

function codeOf(
  ack: Pick<DispatchAck, 'kind'> & { reason?: string },
  recipientKind: RecipientKind | undefined,
): IccamActionCode | undefined {
  switch (ack.kind) {
    case 'received':
      return recipientKind === 'domestic_police' ? 'LEA' : undefined;
    case 'notice_sent':
      return 'ISP';
    case 'removed':
      return 'CR';
    case 'moved':
      return 'MO';
    case 'rejected':
      return ack.reason === 'not_csam' ? 'NI' : undefined;
  }
}
