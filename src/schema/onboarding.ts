// Device onboarding: a session in Podero's Connect UI where a user connects a new device of any kind.
// https://developers.podero.com/api-reference/device-onboarding-sessions/create-a-new-device-onboarding-session
// https://developers.podero.com/partner-api/user-journeys/end-user/device-onboarding
import { builder } from './builder.js';
import { PriceZoneEnum } from './enums.js';
import { InputProblems, checkReturnUrl, orgIdOf, userIdOf } from './input.js';
import { userInputFields, userScopes } from './scopes.js';
import { checkReferences } from './references.js';
import { ONBOARDING_DEVICE_TYPES, ONBOARDING_LANGUAGES, createOnboardingSession, type OnboardingSession } from '../upstream/onboarding.js';

const OnboardingDeviceTypeEnum = builder.enumType('OnboardingDeviceType', {
  description: 'The kind of device a user connects in an onboarding session.',
  values: Object.keys(ONBOARDING_DEVICE_TYPES) as (keyof typeof ONBOARDING_DEVICE_TYPES)[],
});

const OnboardingLanguageEnum = builder.enumType('OnboardingLanguage', {
  description: 'The language of the Connect UI.',
  values: Object.fromEntries(ONBOARDING_LANGUAGES.map((l) => [l.toUpperCase(), { value: l }])) as Record<Uppercase<(typeof ONBOARDING_LANGUAGES)[number]>, { value: (typeof ONBOARDING_LANGUAGES)[number] }>,
});

const OnboardingSessionRef = builder.objectRef<OnboardingSession>('OnboardingSession').implement({
  description: "A session in Podero's Connect UI: send the user to its URL; they come back to your success or cancel URL.",
  fields: (t) => ({
    id: t.expose('id', { type: 'UUID', nullable: false, description: 'Session id.' }),
    url: t.exposeString('authenticationUrl', { description: 'Where to send the user (the Connect UI).' }),
    expiresOn: t.exposeString('expirationDate', { nullable: true, description: 'The date (YYYY-MM-DD) through the end of which the session is valid.' }),
    deviceId: t.expose('objectId', { type: 'UUID', nullable: true, description: 'The device connected through it; null until one is.' }),
  }),
});

const CreateOnboardingSessionInput = builder.inputType('CreateOnboardingSessionInput', {
  description: 'Who connects what, and where they return to.',
  fields: (t) => ({
    // The partner API takes the organization from its credentials; another orgId is refused by scope.
    ...userInputFields(t),
    deviceType: t.field({ type: OnboardingDeviceTypeEnum, required: true, description: 'What kind of device.' }),
    language: t.field({ type: OnboardingLanguageEnum, required: true, description: 'Language of the Connect UI.' }),
    priceZoneDefault: t.field({ type: PriceZoneEnum, required: true, description: 'Price zone the new device starts with.' }),
    isSmartOptimizationActiveDefault: t.boolean({ description: 'Whether smart optimisation starts switched on.' }),
    successUrl: t.string({ required: true, description: 'Where the user returns after connecting (absolute http(s) URL).' }),
    cancelUrl: t.string({ required: true, description: 'Where the user returns after cancelling (absolute http(s) URL).' }),
    buildingId: t.field({ type: 'UUID', description: "The user's building the device is in." }),
  }),
});

builder.mutationField('createOnboardingSession', (t) =>
  t.field({
    type: OnboardingSessionRef,
    nullable: true,
    description: 'Starts connecting a new device of any kind for a user: answers the Connect UI URL to send them to, valid until the end of the following day.',
    args: { input: t.arg({ type: CreateOnboardingSessionInput, required: true }) },
    authScopes: (_root, { input }, ctx) => userScopes(input, ctx),
    resolve: async (_root, { input }, ctx) => {
      const problems = new InputProblems();
      checkReturnUrl(problems, 'successUrl', input.successUrl);
      checkReturnUrl(problems, 'cancelUrl', input.cancelUrl);
      // The path names no organization: the partner API uses its credentials'. With caller
      // authentication the scope check above refused any other; without it, so is one here.
      if (input.orgId && ctx.defaultOrgId && input.orgId !== ctx.defaultOrgId) problems.add('orgId', "must be the gateway's organization (PODERO_ORG_ID): the partner API creates onboarding sessions in its credentials' organization");
      const orgId = orgIdOf(input.orgId, ctx);
      problems.throwIfAny();
      const userId = userIdOf(input.userId, ctx);
      await checkReferences(ctx, { orgId, userId }, { buildingId: input.buildingId });
      return createOnboardingSession(ctx.api, {
        userId,
        deviceType: input.deviceType,
        language: input.language,
        priceZoneDefault: input.priceZoneDefault,
        isSmartOptimizationActiveDefault: input.isSmartOptimizationActiveDefault ?? undefined,
        successUrl: input.successUrl,
        cancelUrl: input.cancelUrl,
        buildingId: input.buildingId,
      });
    },
  }),
);
