#!/usr/bin/env node
// Signs a user of the lake's Cognito user pool in and prints the ID token (the token the API's
// JWT authorizer checks). The pool allows SRP only and requires a TOTP second factor, so this
// does both: the password is proven with SRP (it never leaves this machine), the TOTP code is
// computed from the user's TOTP secret. amazon-cognito-identity-js (AWS's) does the SRP
// exchange; otpauth computes the code.
//
//   HCDL_COGNITO_PASSWORD=… HCDL_COGNITO_TOTP_SECRET=<base32> \
//     node scripts/cognito-token.mjs --pool <user pool id> --client <app client id> --user <name>
//
// First sign-in of a user without an authenticator yet (Cognito asks for MFA setup): add
// --enroll. The script registers a new TOTP secret, confirms it with a code, prints the secret
// on stderr once (store it in the password manager, or as the pipeline's secret) and prints
// the token. Secrets come from the environment, never the command line. --endpoint names
// another Cognito endpoint (a FIPS endpoint such as https://cognito-idp-fips.us-east-1.amazonaws.com/).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cognito from 'amazon-cognito-identity-js';
import { Secret, TOTP } from 'otpauth';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

export class TokenFailure extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'TokenFailure';
  }
}

/** The current TOTP code of a base32 secret (RFC 6238: SHA-1, 6 digits, 30 s, as Cognito uses). */
export function totpCode(base32Secret, timestamp = Date.now()) {
  return new TOTP({ secret: Secret.fromBase32(base32Secret.replace(/\s+/g, '')), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp });
}

/**
 * Signs `user` in with SRP and TOTP; resolves with the ID token. With `enroll`, a user asked to
 * set up MFA gets a new TOTP secret, handed to `onSecret` before the token is returned.
 * `endpoint` replaces Cognito's (a test's fake).
 */
export function signIn({ poolId, clientId, user, password, totpSecret, enroll = false, onSecret = () => {}, endpoint }) {
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, ...(endpoint !== undefined ? { endpoint } : {}) });
  const cognitoUser = new CognitoUser({ Username: user, Pool: pool });
  cognitoUser.setAuthenticationFlowType('USER_SRP_AUTH');
  return new Promise((resolve, reject) => {
    const fail = (step) => (err) => reject(new TokenFailure(`${step}: ${err?.code ?? err?.name ?? 'error'}: ${err?.message ?? String(err)}`, { cause: err }));
    const done = { onSuccess: (session) => resolve(session.getIdToken().getJwtToken()), onFailure: fail('sign-in') };
    cognitoUser.authenticateUser(new AuthenticationDetails({ Username: user, Password: password }), {
      ...done,
      totpRequired: () => {
        if (totpSecret === undefined) return reject(new TokenFailure('the user has an authenticator: set HCDL_COGNITO_TOTP_SECRET'));
        cognitoUser.sendMFACode(totpCode(totpSecret), { ...done, onFailure: fail('TOTP code') }, 'SOFTWARE_TOKEN_MFA');
      },
      mfaSetup: () => {
        if (!enroll) return reject(new TokenFailure('the user has no authenticator yet: run once with --enroll'));
        cognitoUser.associateSoftwareToken({
          onFailure: fail('MFA setup'),
          associateSecretCode: (secret) => {
            onSecret(secret);
            cognitoUser.verifySoftwareToken(totpCode(secret), 'hcdl', { ...done, onFailure: fail('MFA setup') });
          },
        });
      },
      newPasswordRequired: () => reject(new TokenFailure('the user must choose a new password first (admin-set-user-password --permanent)')),
      mfaRequired: () => reject(new TokenFailure('the pool asked for SMS MFA: HCDL pools use TOTP only')),
    });
  });
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: { pool: { type: 'string' }, client: { type: 'string' }, user: { type: 'string' }, enroll: { type: 'boolean' }, endpoint: { type: 'string' } },
  });
  const password = process.env.HCDL_COGNITO_PASSWORD;
  if (values.pool === undefined || values.client === undefined || values.user === undefined) {
    throw new TokenFailure(
      'usage: HCDL_COGNITO_PASSWORD=… [HCDL_COGNITO_TOTP_SECRET=…] node scripts/cognito-token.mjs --pool <id> --client <id> --user <name> [--enroll]',
    );
  }
  if (password === undefined || password === '') throw new TokenFailure('HCDL_COGNITO_PASSWORD is not set');
  const secret = process.env.HCDL_COGNITO_TOTP_SECRET;
  const token = await signIn({
    poolId: values.pool,
    clientId: values.client,
    user: values.user,
    password,
    totpSecret: secret === '' ? undefined : secret,
    enroll: values.enroll === true,
    ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
    onSecret: (s) => console.error(`TOTP secret of ${values.user} (store it now, it is not shown again): ${s}`),
  });
  process.stdout.write(`${token}\n`);
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === self) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`cognito-token: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
