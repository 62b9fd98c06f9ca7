import { APPROVAL_ID_PATTERN } from "@mc/core";
import { randomBytes } from "node:crypto";

// Crockford's base32: no I, L, O or U, so an id read aloud or retyped is hard to get wrong.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** Shape of an approval id: `apr_` and 16 base32 characters — `@mc/core`'s one definition. */
export { APPROVAL_ID_PATTERN };

/**
 * A new approval id: `apr_` and 16 characters of Crockford base32 from the system's CSPRNG
 * (80 bits), short enough to type and too many to guess.
 * @returns a fresh id such as `apr_7k2m9q4x1c8v3b6n`
 */
export function newApprovalId(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const byte of bytes) {
    bits = (bits << 8n) | BigInt(byte);
  }
  let id = "";
  for (let index = 0; index < 16; index += 1) {
    id = ALPHABET[Number(bits & 31n)] + id;
    bits >>= 5n;
  }
  return `apr_${id}`;
}
