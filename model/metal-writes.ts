import type { DeviceId } from './ids.ts';
import type { Assignment, BgpSession, DeviceAddress, Reservation } from './metal.ts';

/**
 * What a Metal write answered, parsed at the edge: what the CCM folds into the Metal state it
 * keeps between full observations (write-through), and what later actions of the same plan may
 * take values from. `unfolded`: the answer does not say what the project now is (an empty 204 of a
 * BGP config request, a session that already existed): the next loop lists the project again.
 */
export type MetalWriteAnswer =
  | { readonly kind: 'reservation-created'; readonly reservation: Reservation }
  | { readonly kind: 'session-created'; readonly session: BgpSession }
  | {
      readonly kind: 'assigned';
      readonly deviceId: DeviceId;
      readonly assignment: Assignment;
      /** The address as the device lists it from now on. */
      readonly address: DeviceAddress;
    }
  /** `DELETE /ips/{id}`: a reservation released or an assignment undone (or gone already). */
  | { readonly kind: 'deleted'; readonly id: string }
  | { readonly kind: 'unfolded'; readonly why: string };

/** A field of a write's answer a later action of the plan may take (Terraform's "known after apply"). */
export type AnswerField = 'address' | 'id';

/** The value of `field` in an answer, when the answer gives one (a pending reservation has none). */
export function answerValue(
  answer: MetalWriteAnswer | undefined,
  field: AnswerField,
): string | undefined {
  if (answer?.kind !== 'reservation-created') return undefined;
  const { reservation } = answer;
  const values: Record<AnswerField, string | undefined> = {
    address: reservation.address,
    id: reservation.id,
  };
  return reservation.state === 'created' ? values[field] : undefined;
}
