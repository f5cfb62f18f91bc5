/**
 * scripts/cognito-token.mjs (how people and the deploy pipeline get an ID token from a pool
 * that allows SRP only and requires TOTP) against a fake Cognito endpoint on loopback. The fake
 * speaks Cognito's JSON protocol for the calls of an SRP sign-in with a TOTP challenge and of
 * a first-time TOTP enrolment, and checks every TOTP code against the user's secret; it does not
 * check the SRP proof itself (that arithmetic is amazon-cognito-identity-js's, AWS's own).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Secret, TOTP } from 'otpauth';
import { REPO } from './support/harness';

const SCRIPT = path.join(REPO, 'scripts', 'cognito-token.mjs');
const POOL = 'eu-west-1_TESTPOOL';
const CLIENT = 'testclient123';
const SECRET_BLOCK = randomBytes(64).toString('base64');

interface FakeUser {
  password: string;
  /** Base32 TOTP secret; undefined: the user has not enrolled an authenticator yet. */
  totp?: string;
}

const b64url = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const idTokenFor = (user: string) =>
  `${b64url({ alg: 'RS256', kid: 'k' })}.${b64url({ sub: user, 'custom:write': 'smoke', token_use: 'id', exp: 4102444800 })}.c2ln`;
const codeMatches = (secret: string, code: unknown) =>
  typeof code === 'string' &&
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).validate({ token: code, window: 1 }) !== null;

/** What the fake saw, for the assertions. */
const seen: { target: string; body: Record<string, any> }[] = [];

function fakeCognito(users: Record<string, FakeUser>): Server {
  const sessions = new Map<string, { user: string; pendingSecret?: string; verified?: boolean }>();
  const newSession = (user: string) => {
    const id = randomBytes(16).toString('hex');
    sessions.set(id, { user });
    return id;
  };
  const tokens = (user: string) => ({
    AuthenticationResult: { IdToken: idTokenFor(user), AccessToken: idTokenFor(user), RefreshToken: 'r', ExpiresIn: 3600, TokenType: 'Bearer' },
  });
  return createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '').replace('AWSCognitoIdentityProviderService.', '');
      const body = JSON.parse(raw) as Record<string, any>;
      seen.push({ target, body });
      const answer = (status: number, value: object) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(value));
      };
      const refuse = (type: string, message: string) => answer(400, { __type: type, message });
      if (body.ClientId !== undefined && body.ClientId !== CLIENT) return refuse('ResourceNotFoundException', 'unknown client');
      if (target === 'InitiateAuth') {
        const user = body.AuthParameters?.USERNAME as string;
        if (body.AuthFlow !== 'USER_SRP_AUTH' || !/^[0-9a-f]{256,}$/.test(String(body.AuthParameters?.SRP_A)))
          return refuse('InvalidParameterException', 'SRP only');
        if (users[user] === undefined) return refuse('NotAuthorizedException', 'Incorrect username or password.');
        return answer(200, {
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeParameters: {
            SALT: randomBytes(16).toString('hex'),
            SECRET_BLOCK,
            SRP_B: randomBytes(384).toString('hex'),
            USERNAME: user,
            USER_ID_FOR_SRP: user,
          },
        });
      }
      if (target === 'RespondToAuthChallenge') {
        const r = body.ChallengeResponses as Record<string, string>;
        if (body.ChallengeName === 'PASSWORD_VERIFIER') {
          const user = users[r.USERNAME ?? ''];
          if (
            user === undefined ||
            r.PASSWORD_CLAIM_SECRET_BLOCK !== SECRET_BLOCK ||
            !/^[A-Za-z0-9+/=]{40,}$/.test(String(r.PASSWORD_CLAIM_SIGNATURE)) ||
            !r.TIMESTAMP
          )
            return refuse('NotAuthorizedException', 'Incorrect username or password.');
          const session = newSession(r.USERNAME as string);
          return answer(
            200,
            user.totp === undefined
              ? { ChallengeName: 'MFA_SETUP', Session: session, ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' } }
              : { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: session, ChallengeParameters: {} },
          );
        }
        const s = sessions.get(body.Session);
        if (s === undefined) return refuse('NotAuthorizedException', 'Invalid session');
        if (body.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
          if (!codeMatches(users[s.user]?.totp as string, r.SOFTWARE_TOKEN_MFA_CODE)) return refuse('CodeMismatchException', 'Invalid code received for user');
          return answer(200, tokens(s.user));
        }
        if (body.ChallengeName === 'MFA_SETUP' && s.verified === true) return answer(200, tokens(s.user));
        return refuse('InvalidParameterException', `unexpected challenge ${body.ChallengeName}`);
      }
      if (target === 'AssociateSoftwareToken') {
        const s = sessions.get(body.Session);
        if (s === undefined) return refuse('NotAuthorizedException', 'Invalid session');
        s.pendingSecret = new Secret({ size: 20 }).base32;
        return answer(200, { SecretCode: s.pendingSecret, Session: body.Session });
      }
      if (target === 'VerifySoftwareToken') {
        const s = sessions.get(body.Session);
        if (s === undefined || s.pendingSecret === undefined || !codeMatches(s.pendingSecret, body.UserCode))
          return refuse('EnableSoftwareTokenMFAException', 'Code mismatch');
        s.verified = true;
        (users[s.user] as FakeUser).totp = s.pendingSecret;
        return answer(200, { Status: 'SUCCESS', Session: body.Session });
      }
      return refuse('UnknownOperationException', target);
    });
  });
}

const SMOKE_SECRET = new Secret({ size: 20 }).base32;
const users: Record<string, FakeUser> = {
  'smoke@example.org': { password: 'Long-passphrase-1!', totp: SMOKE_SECRET },
  'new@example.org': { password: 'Another-passphrase-2!' },
};
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = fakeCognito(users);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function runToken(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HCDL_COGNITO_')));
  const child = spawn(process.execPath, [SCRIPT, '--pool', POOL, '--client', CLIENT, '--endpoint', endpoint, ...args], {
    cwd: REPO,
    env: { ...clean, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('scripts/cognito-token.mjs', () => {
  it('signs in with SRP and the TOTP code of the secret, and prints the ID token only', async () => {
    seen.length = 0;
    const run = await runToken(['--user', 'smoke@example.org'], {
      HCDL_COGNITO_PASSWORD: users['smoke@example.org']?.password as string,
      HCDL_COGNITO_TOTP_SECRET: SMOKE_SECRET,
    });
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toBe(`${idTokenFor('smoke@example.org')}\n`);
    expect(seen.map((s) => `${s.target}${s.body.ChallengeName ? ` ${s.body.ChallengeName}` : ''}`)).toEqual([
      'InitiateAuth',
      'RespondToAuthChallenge PASSWORD_VERIFIER',
      'RespondToAuthChallenge SOFTWARE_TOKEN_MFA',
    ]);
    // the password itself never travels: only the SRP values
    expect(JSON.stringify(seen)).not.toContain(users['smoke@example.org']?.password);
  }, 60_000);

  it("fails with Cognito's reason when the TOTP secret is wrong", async () => {
    const run = await runToken(['--user', 'smoke@example.org'], {
      HCDL_COGNITO_PASSWORD: users['smoke@example.org']?.password as string,
      HCDL_COGNITO_TOTP_SECRET: new Secret({ size: 20 }).base32,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('cognito-token: TOTP code: CodeMismatchException: Invalid code received for user');
    expect(run.stdout).toBe('');
  }, 60_000);

  it('enrolls a user without an authenticator on --enroll, prints its secret once, and that secret signs in afterwards', async () => {
    const password = users['new@example.org']?.password as string;
    const refused = await runToken(['--user', 'new@example.org'], { HCDL_COGNITO_PASSWORD: password });
    expect([refused.code, refused.stderr.trim()]).toEqual([1, 'cognito-token: the user has no authenticator yet: run once with --enroll']);

    const enrolled = await runToken(['--user', 'new@example.org', '--enroll'], { HCDL_COGNITO_PASSWORD: password });
    expect(enrolled.code).toBe(0);
    expect(enrolled.stdout).toBe(`${idTokenFor('new@example.org')}\n`);
    const secret = /store it now, it is not shown again\): ([A-Z2-7]+)$/.exec(enrolled.stderr.trim())?.[1];
    expect(secret).toBe(users['new@example.org']?.totp);

    const again = await runToken(['--user', 'new@example.org'], { HCDL_COGNITO_PASSWORD: password, HCDL_COGNITO_TOTP_SECRET: secret as string });
    expect([again.code, again.stdout]).toEqual([0, `${idTokenFor('new@example.org')}\n`]);
  }, 60_000);

  it('refuses to run without the password in the environment', async () => {
    const run = await runToken(['--user', 'smoke@example.org'], {});
    expect([run.code, run.stderr.trim()]).toEqual([1, 'cognito-token: HCDL_COGNITO_PASSWORD is not set']);
  }, 60_000);
});
