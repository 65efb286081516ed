// A claimed item lost: the 409 that says another person has it now, or its lease ran out.
import { ApiError } from '../../shared/api';

/** A 409 on the loop's items: the claim expired, someone else holds it, or it is already done. */
export function isClaimLost(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 409;
}
