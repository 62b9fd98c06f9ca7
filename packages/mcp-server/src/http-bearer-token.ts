import { createHash, timingSafeEqual } from "node:crypto";
import { OAuthError, OAuthErrorCode, requireBearerAuth, type AuthInfo } from "@modelcontextprotocol/server";

/** The shortest token `serveHttp` accepts: anything shorter is guessable. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * The SDK's bearer gate over one static token. Both sides are hashed before the comparison so
 * `timingSafeEqual` compares equal lengths and the time taken says nothing about the token
 * (not even its length).
 * @param token - the one accepted token
 * @returns a gate resolving to the caller's AuthInfo, or to the 401 response to send
 */
export function staticBearerGate(token: string): (request: Request) => Promise<AuthInfo | Response> {
  const expected = createHash("sha256").update(token).digest();
  return requireBearerAuth({
    verifier: {
      // eslint-disable-next-line @typescript-eslint/require-await -- the SDK's verifier is async: a refusal thrown here must reach it as a rejection.
      async verifyAccessToken(candidate: string): Promise<AuthInfo> {
        const actual = createHash("sha256").update(candidate).digest();
        if (!timingSafeEqual(actual, expected)) throw new OAuthError(OAuthErrorCode.InvalidToken, "Invalid bearer token");
        // A static token has no expiry; the SDK refuses tokens without one, so report a far one.
        return { token: candidate, clientId: "mc-token", scopes: [], expiresAt: Math.floor(Date.now() / 1000) + 365 * 24 * 3600 };
      },
    },
  });
}
