import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { Construct } from 'constructs';

/** The ABAC claims (comma-separated source ids, `*` = all) as Cognito custom attributes. */
export const ABAC_ATTRIBUTES = ['read', 'write'] as const;

export interface LakeUserPoolProps {
  /** Full pool name (already env-prefixed); the client is `<name>-api`. */
  name: string;
  /** Prod: the pool cannot be deleted by accident. */
  protect: boolean;
}

/** The only sign-in flows of the app client: SRP (the password never leaves the client) and refresh. */
export const AUTH_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;

/**
 * Cognito user pool of the lake's callers. Only administrators create users and set their
 * `custom:read` / `custom:write` attributes: the app client can read them (they are in the
 * ID token the API's JWT authorizer checks) but never write them, so a user cannot grant
 * itself sources. Every sign-in needs a second factor (TOTP authenticator app); threat
 * protection (the Plus feature plan) blocks sign-ins from compromised credentials and risky
 * contexts and logs every sign-in's risk; passwords are verified with SRP only.
 */
export class LakeUserPool extends Construct {
  readonly pool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;

  constructor(scope: Construct, id: string, props: LakeUserPoolProps) {
    super(scope, id);
    this.pool = new CognitoUserPool(this, 'pool', {
      name: props.name,
      deletionProtection: props.protect ? 'ACTIVE' : 'INACTIVE',
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      usernameAttributes: ['email'],
      autoVerifiedAttributes: ['email'],
      mfaConfiguration: 'ON',
      softwareTokenMfaConfiguration: { enabled: true },
      // Threat protection (formerly advanced security) needs the Plus feature plan.
      userPoolTier: 'PLUS',
      userPoolAddOns: { advancedSecurityMode: 'ENFORCED' },
      passwordPolicy: {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 3,
      },
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      schema: ABAC_ATTRIBUTES.map((name) => ({
        name,
        attributeDataType: 'String',
        mutable: true,
        developerOnlyAttribute: false,
        stringAttributeConstraints: { minLength: '0', maxLength: '2048' },
      })),
    });
    this.client = new CognitoUserPoolClient(this, 'client', {
      name: `${props.name}-api`,
      userPoolId: this.pool.id,
      generateSecret: false,
      explicitAuthFlows: [...AUTH_FLOWS],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      idTokenValidity: 60,
      accessTokenValidity: 60,
      refreshTokenValidity: 30,
      tokenValidityUnits: [{ idToken: 'minutes', accessToken: 'minutes', refreshToken: 'days' }],
      readAttributes: ['email', 'email_verified', ...ABAC_ATTRIBUTES.map((a) => `custom:${a}`)],
      writeAttributes: ['email'],
    });
  }

  /** The OIDC issuer of the pool's tokens (what the JWT authorizer trusts). */
  issuer(region: string): string {
    return `https://cognito-idp.${region}.amazonaws.com/${this.pool.id}`;
  }
}
