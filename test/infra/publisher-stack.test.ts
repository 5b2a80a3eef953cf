import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPublisherApp } from '../../infra/publisher-app.ts';
import { articleReadKeyPatterns, siteOutputKeyPatterns } from '../../infra/publisher-stack.ts';
import { siteConfigFromEnvironment } from '../../shared/config.ts';
import { ConfigError } from '../../shared/errors.ts';
import { ingestBucketEnv, siteBucketEnv } from '../../shared/runtime-env.ts';
import {
  allSectionsSlug,
  archiveKey,
  articleKey,
  type FeedFormat,
  feedKey,
  inputPrefix,
  issueKey,
  latestIssueKey,
  opmlKey,
  reportKey,
} from '../../shared/site-layout.ts';
import { entries, type Synth, synth } from './synth-kit.ts';

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const objectArn = (bucketId: string, pattern: string) => ({
  'Fn::Join': ['', [getAtt(bucketId), `/${pattern}`]],
});

/** Environment values with CloudFormation intrinsics replaced by what they resolve to at deploy. */
const resolvedEnvironment = (variables: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? value
        : JSON.stringify(value).includes('DomainName')
          ? 'https://d111111abcdef8.cloudfront.net'
          : 'resolved-bucket',
    ]),
  );

/** The site distribution's ARN as the template spells it (CloudFront ARNs have no region). */
const distributionArnOf = (s: Synth) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':cloudfront::',
      { Ref: 'AWS::AccountId' },
      ':distribution/',
      { Ref: s.logicalId('AWS::CloudFront::Distribution', 'SiteDistribution') },
    ],
  ],
});

/**
 * The s3:ListBucket grant that makes a missing key answer 404, not 403: on the whole bucket, with
 * no s3:prefix condition (AWS documents none for single-object reads).
 */
const listBucket = (bucketId: string) => ({
  Action: 's3:ListBucket',
  Effect: 'Allow',
  Resource: getAtt(bucketId),
});

/** IAM `StringLike`: `*` is any run of characters (slashes included), `?` one character. */
const matchesAny = (patterns: readonly string[], value: string): boolean =>
  patterns.some((pattern) =>
    new RegExp(
      `^${pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('')}$`,
      'u',
    ).test(value),
  );

/** Every function except CDK's BucketNotificationsHandler helper. */
const ourFunctions = (s: Synth) =>
  Object.entries(s.template.findResources('AWS::Lambda::Function')).filter(
    ([id]) => !id.startsWith('BucketNotificationsHandler'),
  );

const functionProps = (s: Synth, prefix: string) => {
  const found = ourFunctions(s).find(([id]) => id.startsWith(prefix));
  expect(found, prefix).toBeDefined();
  return found![1].Properties as {
    Environment: { Variables: Record<string, unknown> };
    Role: unknown;
    [key: string]: unknown;
  };
};

const policyStatements = (s: Synth, rolePrefix: string) => {
  const roleId = s.logicalId('AWS::IAM::Role', rolePrefix);
  const policies = Object.values(s.template.findResources('AWS::IAM::Policy')).filter((policy) =>
    JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`),
  );
  expect(policies).toHaveLength(1);
  return policies[0]!.Properties.PolicyDocument.Statement as unknown[];
};

describe('publisher stack (default context)', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth();
  });

  describe('ingest trigger', () => {
    it('triggers the build function on created and removed objects under incoming/ only', () => {
      const buildId = s.logicalId('AWS::Lambda::Function', 'BuildFeeds');
      const notifications = Object.values(s.template.findResources('Custom::S3BucketNotifications'));
      expect(notifications).toHaveLength(1);
      const config = notifications[0]!.Properties.NotificationConfiguration;
      expect(Object.keys(config)).toEqual(['LambdaFunctionConfigurations']);
      const filter = { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } };
      expect(config.LambdaFunctionConfigurations).toEqual([
        { Events: ['s3:ObjectCreated:*'], Filter: filter, LambdaFunctionArn: getAtt(buildId) },
        { Events: ['s3:ObjectRemoved:*'], Filter: filter, LambdaFunctionArn: getAtt(buildId) },
      ]);
      expect(notifications[0]!.Properties.BucketName).toEqual({
        Ref: s.logicalId('AWS::S3::Bucket', 'IngestBucket'),
      });
    });

    it('uses a filter no output key can match', () => {
      const formats: FeedFormat[] = ['rss', 'atom', 'json'];
      const keys = [
        articleKey('2024-11-30', 'p1-abcdef01'),
        issueKey('2024-11-30'),
        latestIssueKey,
        ...formats.flatMap((f) => [
          feedKey(allSectionsSlug, f),
          feedKey('yaowen', f),
          archiveKey('yaowen', '2024-11-30', f),
        ]),
        opmlKey,
        reportKey('incoming/2024-11-30/01.txt'),
        reportKey('incoming/衢州日报 2024-11-30.txt'),
        'state/sections.json',
        'state/calendar/2024.json',
      ];
      for (const key of keys) expect(key.startsWith(inputPrefix), key).toBe(false);
      // Every prefix the build function may write is outside the input prefix too.
      for (const pattern of siteOutputKeyPatterns)
        expect(pattern.startsWith(inputPrefix), pattern).toBe(false);
    });

    it('gives the build function no write access to the ingest bucket', () => {
      const ingestId = s.logicalId('AWS::S3::Bucket', 'IngestBucket');
      const onIngest = policyStatements(s, 'BuildFeedsRole').filter((st) =>
        JSON.stringify(st).includes(`"${ingestId}"`),
      );
      expect(onIngest).toEqual([
        { Action: 's3:GetObject', Effect: 'Allow', Resource: objectArn(ingestId, 'incoming/*') },
        listBucket(ingestId),
      ]);
    });
  });

  describe('buckets', () => {
    it('blocks public access and encrypts every bucket', () => {
      const buckets = Object.values(s.template.findResources('AWS::S3::Bucket'));
      expect(buckets).toHaveLength(3);
      for (const bucket of buckets) {
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ]);
        expect(bucket.DeletionPolicy).toBe('Retain');
      }
    });

    it.each(['IngestBucket', 'SiteBucket', 'LogBucket'])('denies requests without TLS on %s', (prefix) => {
      const bucketId = s.logicalId('AWS::S3::Bucket', prefix);
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Resource: [getAtt(bucketId), objectArn(bucketId, '*')],
            },
          ]),
        },
      });
    });

    it('versions the ingest bucket and keeps old versions ten years before expiring them', () => {
      const ingest =
        s.template.findResources('AWS::S3::Bucket')[s.logicalId('AWS::S3::Bucket', 'IngestBucket')]!;
      expect(ingest.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(ingest.Properties.LifecycleConfiguration.Rules).toEqual([
        {
          Id: 'archive-old-versions',
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
          NoncurrentVersionExpiration: { NoncurrentDays: 3650 },
        },
      ]);
      // No rule ever expires a current version: an upload stays until someone deletes it.
      expect(JSON.stringify(ingest.Properties.LifecycleConfiguration)).not.toContain('"ExpirationInDays"');
    });

    it('logs access to the ingest and site buckets into the log bucket', () => {
      const logId = s.logicalId('AWS::S3::Bucket', 'LogBucket');
      const buckets = s.template.findResources('AWS::S3::Bucket');
      for (const [prefix, logPrefix] of [
        ['IngestBucket', 'ingest/'],
        ['SiteBucket', 'site/'],
      ] as const) {
        expect(buckets[s.logicalId('AWS::S3::Bucket', prefix)]!.Properties.LoggingConfiguration).toEqual({
          DestinationBucketName: { Ref: logId },
          LogFilePrefix: logPrefix,
        });
      }
    });
  });

  describe('distribution', () => {
    const distribution = () =>
      Object.values(s.template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties
        .DistributionConfig;
    /** The cache policy whose logical id starts with `prefix`: its id and its config. */
    const cachePolicy = (prefix: string) => {
      const id = s.logicalId('AWS::CloudFront::CachePolicy', prefix);
      return {
        id,
        config: s.template.findResources('AWS::CloudFront::CachePolicy')[id]!.Properties.CachePolicyConfig,
      };
    };

    it('reaches both origins through origin access control only', () => {
      const oacs = Object.entries(s.template.findResources('AWS::CloudFront::OriginAccessControl'));
      const types = oacs
        .map(([, r]) => r.Properties.OriginAccessControlConfig.OriginAccessControlOriginType)
        .sort();
      expect(types).toEqual(['lambda', 's3']);
      for (const [, oac] of oacs) {
        expect(oac.Properties.OriginAccessControlConfig.SigningBehavior).toBe('always');
        expect(oac.Properties.OriginAccessControlConfig.SigningProtocol).toBe('sigv4');
      }
      const origins = distribution().Origins as Array<Record<string, unknown>>;
      expect(origins).toHaveLength(2);
      for (const origin of origins) {
        expect(oacs.map(([id]) => ({ 'Fn::GetAtt': [id, 'Id'] }))).toContainEqual(
          origin.OriginAccessControlId,
        );
      }
      const s3Origin = origins.find((o) => o.S3OriginConfig !== undefined)!;
      // An empty identity: no legacy OAI, OAC only.
      expect(s3Origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
      expect(s3Origin.DomainName).toEqual(
        getAtt(s.logicalId('AWS::S3::Bucket', 'SiteBucket'), 'RegionalDomainName'),
      );
      const fnOrigin = origins.find((o) => o.CustomOriginConfig !== undefined)!;
      expect(fnOrigin.CustomOriginConfig).toMatchObject({
        OriginProtocolPolicy: 'https-only',
        OriginReadTimeout: 15,
      });
      s.template.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'AWS_IAM',
        TargetFunctionArn: getAtt(s.logicalId('AWS::Lambda::Function', 'ServeArticle')),
      });
    });

    it('lets only this distribution invoke the function URL and read the public paths of the site bucket', () => {
      const distributionArn = distributionArnOf(s);
      const urlId = s.logicalId('AWS::Lambda::Url', 'ServeArticleFunctionUrl');
      s.template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunctionUrl',
        Principal: 'cloudfront.amazonaws.com',
        FunctionName: getAtt(urlId, 'FunctionArn'),
        SourceArn: distributionArn,
      });
      const siteId = s.logicalId('AWS::S3::Bucket', 'SiteBucket');
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: siteId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'CloudFrontReadsPublicPaths',
              Action: 's3:GetObject',
              Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
              Effect: 'Allow',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Resource: [
                'feeds/*',
                'feeds.opml',
                'brand/*',
                'sitemaps/*',
                'sitemap.xml',
                '*.txt',
                'media/*',
              ].map((p) => objectArn(siteId, p)),
            },
          ]),
        },
      });
    });

    it('lets CloudFront hear 404 for a missing feed, and never routes a listing to the bucket', () => {
      const siteId = s.logicalId('AWS::S3::Bucket', 'SiteBucket');
      const policy = Object.values(s.template.findResources('AWS::S3::BucketPolicy')).find(
        (p) => p.Properties.Bucket.Ref === siteId,
      )!;
      const list = (policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>).find(
        (st) => st.Sid === 'CloudFrontHearsMissingFeeds',
      );
      expect(list).toEqual({
        Sid: 'CloudFrontHearsMissingFeeds',
        Action: 's3:ListBucket',
        Condition: {
          StringEquals: {
            'AWS:SourceArn': distributionArnOf(s),
          },
        },
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: getAtt(siteId),
      });
      // A listing is a GET of the bucket root with a query string: no behaviour that targets the
      // bucket matches `/`, and none forwards a query string.
      const config = distribution();
      const origins = config.Origins as Array<{ Id: string; S3OriginConfig?: unknown }>;
      const s3OriginId = origins.find((o) => o.S3OriginConfig)!.Id;
      expect(config.DefaultCacheBehavior.TargetOriginId).not.toBe(s3OriginId);
      const toBucket = (config.CacheBehaviors as Array<Record<string, unknown>>).filter(
        (b) => b.TargetOriginId === s3OriginId,
      );
      expect(toBucket.length).toBeGreaterThan(0);
      const policies = s.template.findResources('AWS::CloudFront::CachePolicy');
      for (const b of toBucket) {
        expect(matchesAny([(b.PathPattern as string).slice(1)], ''), String(b.PathPattern)).toBe(false);
        expect(b.OriginRequestPolicyId).toBeUndefined();
        const keyConfig =
          policies[(b.CachePolicyId as { Ref: string }).Ref]!.Properties.CachePolicyConfig
            .ParametersInCacheKeyAndForwardedToOrigin;
        expect(keyConfig.QueryStringsConfig).toEqual({ QueryStringBehavior: 'none' });
      }
    });

    it('grants CloudFront nothing else in the site bucket', () => {
      const policy = Object.values(s.template.findResources('AWS::S3::BucketPolicy')).find(
        (p) => p.Properties.Bucket.Ref === s.logicalId('AWS::S3::Bucket', 'SiteBucket'),
      )!;
      const allows = (
        policy.Properties.PolicyDocument.Statement as Array<{ Effect: string; Sid?: string }>
      ).filter((st) => st.Effect === 'Allow');
      expect(allows.map((st) => st.Sid)).toEqual([
        'CloudFrontReadsPublicPaths',
        'CloudFrontHearsMissingFeeds',
      ]);
      expect(JSON.stringify(allows)).not.toMatch(/issues|state|reports|"\/\*"/);
    });

    it('routes feeds and OPML to the bucket and everything else to the permalink function', () => {
      const config = distribution();
      const origins = config.Origins as Array<{ Id: string; S3OriginConfig?: unknown }>;
      const s3OriginId = origins.find((o) => o.S3OriginConfig)!.Id;
      const fnOriginId = origins.find((o) => !o.S3OriginConfig)!.Id;
      const behaviors = config.CacheBehaviors as Array<Record<string, unknown>>;
      expect(Object.fromEntries(behaviors.map((b) => [b.PathPattern, b.TargetOriginId]))).toEqual({
        '/articles/*': fnOriginId,
        '/feeds/*': s3OriginId,
        '/feeds.opml': s3OriginId,
        '/brand/*': s3OriginId,
        '/sitemaps/*': s3OriginId,
        '/sitemap.xml': s3OriginId,
        '/*.txt': s3OriginId,
        '/media/*': s3OriginId,
      });
      expect(config.DefaultCacheBehavior.TargetOriginId).toBe(fnOriginId);
      // issues/, state/ and reports/ are internal: no behaviour sends them to the bucket.
      expect(JSON.stringify(behaviors)).not.toMatch(/issues|state|reports/);
      for (const behavior of [...behaviors, config.DefaultCacheBehavior]) {
        expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
        expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
        // Pictures and PDFs are compressed already.
        expect(behavior.Compress).toBe(behavior.PathPattern !== '/media/*');
      }
      expect(config.HttpVersion).toBe('http2and3');
    });

    it('forwards viewer headers except Host to the function and nothing from the viewer to S3', () => {
      const config = distribution();
      const behaviors = config.CacheBehaviors as Array<Record<string, unknown>>;
      const allViewerExceptHost = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
      for (const b of [
        config.DefaultCacheBehavior,
        behaviors.find((x) => x.PathPattern === '/articles/*')!,
      ]) {
        expect(b.OriginRequestPolicyId).toBe(allViewerExceptHost);
        expect(b.FunctionAssociations).toEqual([
          {
            EventType: 'viewer-request',
            FunctionARN: getAtt(s.logicalId('AWS::CloudFront::Function', 'SiteViewerRequest'), 'FunctionARN'),
          },
        ]);
      }
      for (const b of behaviors.filter((x) => x.PathPattern !== '/articles/*')) {
        expect(b.OriginRequestPolicyId).toBeUndefined();
        expect(b.FunctionAssociations).toBeUndefined();
      }
    });

    it('caches feeds by origin Cache-Control without cookies, headers or query strings in the key', () => {
      const { id: policyId, config: policy } = cachePolicy('SiteFeedCachePolicy');
      const feedBehaviors = (distribution().CacheBehaviors as Array<Record<string, unknown>>).filter(
        (b) => b.PathPattern !== '/articles/*' && b.PathPattern !== '/media/*',
      );
      for (const b of feedBehaviors) expect(b.CachePolicyId).toEqual({ Ref: policyId });
      expect(policy).toMatchObject({
        MinTTL: 0,
        DefaultTTL: 300,
        MaxTTL: 31_536_000,
        ParametersInCacheKeyAndForwardedToOrigin: {
          CookiesConfig: { CookieBehavior: 'none' },
          HeadersConfig: { HeaderBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
        },
      });
    });

    it('caches photos and facsimiles a year, with nothing from the viewer (no Referer) in the key', () => {
      const { id: policyId, config: policy } = cachePolicy('SiteMediaCachePolicy');
      const behaviors = distribution().CacheBehaviors as Array<Record<string, unknown>>;
      const media = behaviors.find((b) => b.PathPattern === '/media/*')!;
      expect(media.CachePolicyId).toEqual({ Ref: policyId });
      // Nothing decides by Referer: no function, no origin request policy, no WAF.
      expect(media.FunctionAssociations).toBeUndefined();
      expect(media.OriginRequestPolicyId).toBeUndefined();
      expect(distribution().WebACLId).toBeUndefined();
      expect(policy).toMatchObject({
        MinTTL: 0,
        DefaultTTL: 31_536_000,
        MaxTTL: 31_536_000,
        ParametersInCacheKeyAndForwardedToOrigin: {
          CookiesConfig: { CookieBehavior: 'none' },
          HeadersConfig: { HeaderBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
        },
      });
      expect(JSON.stringify(policy)).not.toMatch(/referer/i);
    });

    it('keys article pages on Accept so HTML and JSON are cached apart', () => {
      const policyId = s.logicalId('AWS::CloudFront::CachePolicy', 'SiteArticleCachePolicy');
      const config = distribution();
      const articles = (config.CacheBehaviors as Array<Record<string, unknown>>).find(
        (b) => b.PathPattern === '/articles/*',
      )!;
      expect(articles.CachePolicyId).toEqual({ Ref: policyId });
      expect(config.DefaultCacheBehavior.CachePolicyId).toEqual({ Ref: policyId });
      const policy = s.template.findResources('AWS::CloudFront::CachePolicy')[policyId]!.Properties
        .CachePolicyConfig;
      expect(policy).toMatchObject({
        MinTTL: 0,
        DefaultTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: {
          CookiesConfig: { CookieBehavior: 'none' },
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Accept'] },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
        },
      });
    });

    it('normalises Accept and forwards the viewer host in the viewer-request function', () => {
      const fn = Object.values(s.template.findResources('AWS::CloudFront::Function'))[0]!;
      expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
      const code = fn.Properties.FunctionCode as string;
      // Run the CloudFront Function body as the edge would (plain JS, no Node APIs).
      const handler = new Function(`${code}; return handler;`)() as (event: unknown) => {
        headers: Record<string, { value: string }>;
      };
      const run = (accept: string | undefined) =>
        handler({
          request: {
            headers: {
              host: { value: 'feeds.example.cn' },
              ...(accept === undefined ? {} : { accept: { value: accept } }),
            },
          },
        }).headers;
      expect(run('application/json')['x-forwarded-host']).toEqual({ value: 'feeds.example.cn' });
      expect(run('Application/JSON, */*;q=0.1').accept).toEqual({ value: 'application/json' });
      expect(run('text/html,application/xhtml+xml,*/*;q=0.8').accept).toEqual({ value: 'text/html' });
      expect(run(undefined).accept).toEqual({ value: 'text/html' });
      // A viewer cannot choose the host the permalink function links to.
      const spoofed = handler({
        request: {
          headers: { host: { value: 'feeds.example.cn' }, 'x-forwarded-host': { value: 'evil.example' } },
        },
      }).headers;
      expect(spoofed['x-forwarded-host']).toEqual({ value: 'feeds.example.cn' });
    });

    it('sends HSTS and the security headers on every behaviour', () => {
      const config = distribution();
      const policies = s.template.findResources('AWS::CloudFront::ResponseHeadersPolicy');
      expect(Object.keys(policies)).toHaveLength(2);
      for (const b of [
        config.DefaultCacheBehavior,
        ...(config.CacheBehaviors as Array<Record<string, unknown>>),
      ]) {
        const id = (b.ResponseHeadersPolicyId as { Ref: string }).Ref;
        const headers = policies[id]!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
        expect(headers).toMatchObject({
          StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
        });
      }
    });

    it('uses the CloudFront certificate without a custom domain and logs requests', () => {
      const config = distribution();
      expect(config.Aliases).toBeUndefined();
      expect(config.ViewerCertificate).toBeUndefined();
      expect(config.Logging).toEqual({
        Bucket: getAtt(s.logicalId('AWS::S3::Bucket', 'LogBucket'), 'RegionalDomainName'),
        IncludeCookies: false,
        Prefix: 'cloudfront/',
      });
    });
  });

  describe('functions', () => {
    it('runs both functions on Node.js 24 on arm64, sized for their work', () => {
      expect(ourFunctions(s)).toHaveLength(2);
      expect(functionProps(s, 'BuildFeeds')).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 1769,
        Timeout: 180,
      });
      expect(functionProps(s, 'ServeArticle')).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        Timeout: 10,
      });
      expect(functionProps(s, 'BuildFeeds').ReservedConcurrentExecutions).toBeUndefined();
    });

    it('gives the build function both buckets, the config and the distribution URL', () => {
      const env = functionProps(s, 'BuildFeeds').Environment.Variables;
      expect(env).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'build-feeds',
        POWERTOOLS_METRICS_NAMESPACE: 'QuzhouDailyPublisher',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        DESK_TOPIC_ARN: { Ref: s.logicalId('AWS::SNS::Topic', 'MonitoringDesk') },
        CDN_DISTRIBUTION_ID: { Ref: s.logicalId('AWS::CloudFront::Distribution', 'SiteDistribution') },
        INGEST_BUCKET: { Ref: s.logicalId('AWS::S3::Bucket', 'IngestBucket') },
        SITE_BUCKET: { Ref: s.logicalId('AWS::S3::Bucket', 'SiteBucket') },
        SITE_URL: {
          'Fn::Join': [
            '',
            [
              'https://',
              getAtt(s.logicalId('AWS::CloudFront::Distribution', 'SiteDistribution'), 'DomainName'),
            ],
          ],
        },
        SITE_TITLE: '衢州日报',
        TIME_ZONE: 'Asia/Shanghai',
        PUBLICATION_TIME: '05:00',
        WINDOW_ISSUES: '7',
        MAX_FEED_BYTES: '524288',
        MAX_UPLOAD_BYTES: '10485760',
        MAX_IMAGE_BYTES: '41943040',
        MAX_IMAGE_PIXELS: '100000000',
        MAX_PDF_BYTES: '104857600',
        SECTION_SLUGS: '{}',
        ACCENT_COLOR: '#b8202a',
        MAX_DAYS_AHEAD: '7',
        FIRST_ISSUE_DATE: '1949-01-01',
      });
    });

    it('tells the permalink function to take the site host from CloudFront when no domain is set', () => {
      const env = functionProps(s, 'ServeArticle').Environment.Variables;
      expect(env).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'serve-article',
        POWERTOOLS_METRICS_NAMESPACE: 'QuzhouDailyPublisher',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        SITE_BUCKET: { Ref: s.logicalId('AWS::S3::Bucket', 'SiteBucket') },
        SITE_HOST_HEADER: 'x-forwarded-host',
        SITE_TITLE: '衢州日报',
        TIME_ZONE: 'Asia/Shanghai',
        PUBLICATION_TIME: '05:00',
        WINDOW_ISSUES: '7',
        MAX_FEED_BYTES: '524288',
        MAX_UPLOAD_BYTES: '10485760',
        MAX_IMAGE_BYTES: '41943040',
        MAX_IMAGE_PIXELS: '100000000',
        MAX_PDF_BYTES: '104857600',
        SECTION_SLUGS: '{}',
        ACCENT_COLOR: '#b8202a',
        MAX_DAYS_AHEAD: '7',
        FIRST_ISSUE_DATE: '1949-01-01',
      });
      // Never the validation stand-in.
      expect(JSON.stringify(s.json)).not.toContain('.invalid');
    });

    it('sets an environment the build handler accepts at cold start', () => {
      // Tokens resolve at deploy time; stand in plausible values, then run the shared reader.
      const env = resolvedEnvironment(functionProps(s, 'BuildFeeds').Environment.Variables);
      const config = siteConfigFromEnvironment(env);
      expect(config.siteUrl).toBe('https://d111111abcdef8.cloudfront.net');
      expect(env[ingestBucketEnv]).toBe('resolved-bucket');
      expect(env[siteBucketEnv]).toBe('resolved-bucket');
    });

    it('grants the build function exactly: its logs, the failure queue, uploads, the site output, CDN invalidation, the desk topic', () => {
      const siteOutput = [
        'articles/*',
        'issues/*',
        'feeds/*',
        'feeds.opml',
        'reports/*',
        'state/*',
        'sitemaps/*',
        'sitemap.xml',
        '*.txt',
        'media/*',
      ];
      const ingestId = s.logicalId('AWS::S3::Bucket', 'IngestBucket');
      const siteId = s.logicalId('AWS::S3::Bucket', 'SiteBucket');
      expect(policyStatements(s, 'BuildFeedsRole')).toEqual([
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: getAtt(s.logicalId('AWS::Logs::LogGroup', 'BuildFeedsLogs')),
        },
        {
          Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          Effect: 'Allow',
          Resource: getAtt(s.logicalId('AWS::SQS::Queue', 'BuildFailures')),
        },
        { Action: 's3:GetObject', Effect: 'Allow', Resource: objectArn(ingestId, 'incoming/*') },
        listBucket(ingestId),
        {
          Action: ['s3:GetObject', 's3:PutObject'],
          Effect: 'Allow',
          Resource: siteOutput.map((p) => objectArn(siteId, p)),
        },
        {
          Action: 's3:DeleteObject',
          Effect: 'Allow',
          Resource: ['feeds/*', 'sitemaps/*', 'sitemap.xml', 'state/hashes/*', 'media/*'].map((p) =>
            objectArn(siteId, p),
          ),
        },
        listBucket(siteId),
        // Deleted renditions leave the edge caches: invalidations of this distribution only.
        {
          Action: 'cloudfront:CreateInvalidation',
          Effect: 'Allow',
          Resource: distributionArnOf(s),
        },
        // Rejected uploads: one message per refused page, to the desk's topic only.
        {
          Action: 'sns:Publish',
          Effect: 'Allow',
          Resource: { Ref: s.logicalId('AWS::SNS::Topic', 'MonitoringDesk') },
        },
      ]);
    });

    it('grants the permalink function only reads of article and issue records', () => {
      const siteId = s.logicalId('AWS::S3::Bucket', 'SiteBucket');
      expect(articleReadKeyPatterns).toEqual(['articles/*', 'issues/*']);
      expect(policyStatements(s, 'ServeArticleRole')).toEqual([
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: getAtt(s.logicalId('AWS::Logs::LogGroup', 'ServeArticleLogs')),
        },
        {
          Action: 's3:GetObject',
          Effect: 'Allow',
          Resource: [objectArn(siteId, 'articles/*'), objectArn(siteId, 'issues/*')],
        },
        listBucket(siteId),
      ]);
    });

    it('lets every function that reads a bucket hear 404 for a missing key, with no s3:prefix condition', () => {
      const siteId = s.logicalId('AWS::S3::Bucket', 'SiteBucket');
      const ingestId = s.logicalId('AWS::S3::Bucket', 'IngestBucket');
      const lists = (prefix: string) =>
        policyStatements(s, prefix).filter((st) => JSON.stringify(st).includes('s3:ListBucket'));
      expect(lists('ServeArticleRole')).toEqual([listBucket(siteId)]);
      expect(lists('BuildFeedsRole')).toEqual([listBucket(ingestId), listBucket(siteId)]);
    });

    it('attaches no managed policies to the function roles', () => {
      for (const prefix of ['BuildFeedsRole', 'ServeArticleRole']) {
        const role = s.template.findResources('AWS::IAM::Role')[s.logicalId('AWS::IAM::Role', prefix)]!;
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ]);
      }
    });

    it('writes each function to its own log group with a retention', () => {
      const groups = s.template.findResources('AWS::Logs::LogGroup');
      const build = s.logicalId('AWS::Logs::LogGroup', 'BuildFeedsLogs');
      const serve = s.logicalId('AWS::Logs::LogGroup', 'ServeArticleLogs');
      expect(groups[build]!.Properties.RetentionInDays).toBe(365);
      expect(groups[serve]!.Properties.RetentionInDays).toBe(90);
      expect(functionProps(s, 'BuildFeeds').LoggingConfig).toEqual({ LogGroup: { Ref: build } });
      expect(functionProps(s, 'ServeArticle').LoggingConfig).toEqual({ LogGroup: { Ref: serve } });
    });
  });

  describe('failures and alarms', () => {
    it('sends events that failed twice to an encrypted queue kept 14 days', () => {
      const queueId = s.logicalId('AWS::SQS::Queue', 'BuildFailures');
      s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: s.logicalId('AWS::Lambda::Function', 'BuildFeeds') },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21_600,
        DestinationConfig: { OnFailure: { Destination: getAtt(queueId) } },
      });
      s.template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
      });
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Effect: 'Deny' }),
          ]),
        },
      });
    });

    it('alarms on build errors, waiting failures and permalink errors, notifying the topic', () => {
      const topic = { Ref: s.logicalId('AWS::SNS::Topic', 'Alarms') };
      const alarms = s.template.findResources('AWS::CloudWatch::Alarm');
      const byId = (prefix: string) => alarms[s.logicalId('AWS::CloudWatch::Alarm', prefix)]!.Properties;
      expect(Object.keys(alarms)).toHaveLength(5);
      expect(byId('BuildErrors')).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [
          { Name: 'FunctionName', Value: { Ref: s.logicalId('AWS::Lambda::Function', 'BuildFeeds') } },
        ],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topic],
      });
      expect(byId('BuildFailuresWaiting')).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: getAtt(s.logicalId('AWS::SQS::Queue', 'BuildFailures'), 'QueueName') },
        ],
        Threshold: 1,
        AlarmActions: [topic],
      });
      expect(byId('ServeErrors')).toMatchObject({
        MetricName: 'Errors',
        Dimensions: [
          { Name: 'FunctionName', Value: { Ref: s.logicalId('AWS::Lambda::Function', 'ServeArticle') } },
        ],
        AlarmActions: [topic],
      });
      s.template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('alarms on 5xx answers of the permalink Function URL, which a 503 without a throw still counts', () => {
      const alarms = s.template.findResources('AWS::CloudWatch::Alarm');
      const url5xx = alarms[s.logicalId('AWS::CloudWatch::Alarm', 'MonitoringServeUrl5xx')]!.Properties;
      expect(url5xx).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Url5xxCount',
        Dimensions: [
          { Name: 'FunctionName', Value: { Ref: s.logicalId('AWS::Lambda::Function', 'ServeArticle') } },
        ],
        Statistic: 'Sum',
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: s.logicalId('AWS::SNS::Topic', 'Alarms') }],
      });
    });

    it('lets CloudWatch alarms of this account publish to the TLS-only alarm topic', () => {
      const topicId = s.logicalId('AWS::SNS::Topic', 'Alarms');
      const policies = Object.values(s.template.findResources('AWS::SNS::TopicPolicy')).filter((p) =>
        JSON.stringify(p.Properties.Topics).includes(`"${topicId}"`),
      );
      expect(policies).toHaveLength(1);
      const statements = policies[0]!.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
      // The topic policy replaces SNS's default one: without an Allow, nobody may publish.
      expect(statements).toContainEqual({
        Sid: 'CloudWatchAlarmsPublish',
        Action: 'sns:Publish',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Resource: { Ref: topicId },
      });
      // TLS stays enforced for every other caller.
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    });
  });

  it('outputs the site URL, OPML URL and ingest bucket name', () => {
    const outputs = s.template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['SiteUrl', 'OpmlUrl', 'IngestBucketName', 'DistributionId', 'FailureQueueUrl']),
    );
    expect(outputs.IngestBucketName!.Value).toEqual({ Ref: s.logicalId('AWS::S3::Bucket', 'IngestBucket') });
    expect(JSON.stringify(outputs.OpmlUrl!.Value)).toContain('/feeds.opml');
  });

  describe('cdk-nag', () => {
    it('synthesises with no unacknowledged AwsSolutions finding', () => {
      // The plugin registered by the app ran during Template.fromStack; run the pack directly too,
      // so an empty answer here cannot come from a plugin that silently never ran.
      const direct = new AwsSolutionsChecks().validateScope(s.app);
      expect(
        direct.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
      ).toEqual([]);
      expect(direct.success).toBe(true);
      const report = JSON.parse(readFileSync(join(s.app.outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: Array<{ pluginName: string; violations: unknown[] }>;
      };
      for (const plugin of report.pluginReports) expect(plugin.violations, plugin.pluginName).toEqual([]);
    });

    it('synthesises without unacknowledged CDK warnings', () => {
      const stackArtifact = s.app.synth().getStackArtifact(s.stack.artifactId);
      const warnings = stackArtifact.messages.filter((m) => m.level !== 'info');
      expect(warnings.map((w) => `${w.id}: ${String(w.entry.data)}`)).toEqual([]);
    });

    it('fails the synth on a finding nobody acknowledged', () => {
      const app = new App({
        outdir: mkdtempSync(join(tmpdir(), 'cdk-test-')),
        context: { 'aws:cdk:bundling-stacks': [] },
      });
      const { stack } = createPublisherApp(app, entries);
      new sqs.Queue(stack, 'Careless', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
      const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string }> }>;
      };
      const nag = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
      expect(nag?.violations.map((v) => v.ruleName)).toEqual(
        expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
      );
    });

    it('gives every acknowledgement a reason', () => {
      const acknowledgements: Array<{ id: string; reason: unknown }> = [];
      const visit = (construct: IConstruct) => {
        for (const entry of construct.node.metadata) {
          if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
          for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
            acknowledgements.push({ id, reason });
          }
        }
        for (const child of construct.node.children) visit(child);
      };
      visit(s.stack);
      expect(acknowledgements.length).toBeGreaterThan(5);
      for (const { id, reason } of acknowledgements) {
        expect(typeof reason, id).toBe('string');
        expect((reason as string).length, id).toBeGreaterThan(40);
      }
    });
  });
});

describe('publisher stack (custom domain and context)', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({
      domainName: 'Feeds.QZ.example.cn',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-4567-89ab-cdef-0123456789ab',
      siteTitle: '衢州日报 电子版',
      windowIssues: '14',
      maxFeedBytes: 1_048_576,
      websubHub: 'https://pubsubhubbub.appspot.com/',
      sectionSlugs: '{"要闻":"news"}',
      alarmEmail: 'night-desk@example.cn',
      buildReservedConcurrency: '4',
      maxImageBytes: 2_097_152,
      maxImagePixels: '24000000',
      maxPdfBytes: '209715200',
    });
  });

  it('serves the custom domain with its certificate, SNI and TLS 1.2 or later', () => {
    const config = Object.values(s.template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties
      .DistributionConfig;
    expect(config.Aliases).toEqual(['feeds.qz.example.cn']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn:
        'arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-4567-89ab-cdef-0123456789ab',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  it('puts the custom domain and the context into both functions', () => {
    const shared = {
      SITE_URL: 'https://feeds.qz.example.cn',
      SITE_TITLE: '衢州日报 电子版',
      WINDOW_ISSUES: '14',
      MAX_FEED_BYTES: '1048576',
      WEBSUB_HUB: 'https://pubsubhubbub.appspot.com/',
      SECTION_SLUGS: '{"要闻":"news"}',
    };
    const build = functionProps(s, 'BuildFeeds');
    const serve = functionProps(s, 'ServeArticle');
    expect(build.Environment.Variables).toMatchObject(shared);
    expect(serve.Environment.Variables).toMatchObject(shared);
    expect(serve.Environment.Variables.SITE_HOST_HEADER).toBeUndefined();
    expect(build.ReservedConcurrentExecutions).toBe(4);
  });

  it('gives the build function the media limits from the context', () => {
    const env = resolvedEnvironment(functionProps(s, 'BuildFeeds').Environment.Variables);
    expect(env).toMatchObject({
      MAX_IMAGE_BYTES: '2097152',
      MAX_IMAGE_PIXELS: '24000000',
      MAX_PDF_BYTES: '209715200',
    });
    const { maxImageBytes, maxImagePixels, maxPdfBytes } = siteConfigFromEnvironment(env);
    expect([maxImageBytes, maxImagePixels, maxPdfBytes]).toEqual([2_097_152, 24_000_000, 209_715_200]);
  });

  it('sets an environment both handlers accept at cold start', () => {
    for (const prefix of ['BuildFeeds', 'ServeArticle']) {
      const env = resolvedEnvironment(functionProps(s, prefix).Environment.Variables);
      expect(siteConfigFromEnvironment(env).siteUrl, prefix).toBe('https://feeds.qz.example.cn');
    }
  });

  it('subscribes the alarm e-mail address', () => {
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'night-desk@example.cn',
      TopicArn: { Ref: s.logicalId('AWS::SNS::Topic', 'Alarms') },
    });
  });

  it('passes cdk-nag without the default-certificate acknowledgement', () => {
    const distribution = s.stack.node.findChild('Site').node.findChild('Distribution');
    const acknowledged = distribution.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as object));
    expect(acknowledged.some((id) => id.includes('CFR4'))).toBe(false);
    expect(() => s.app.synth()).not.toThrow();
  });
});

describe('invalid context', () => {
  it.each([
    [{ windowIssues: '0' }, /windowIssues/],
    [{ publicationTime: '5am' }, /publicationTime/],
    [{ domainName: 'feeds.example.cn' }, /certificateArn go together/],
    [
      {
        domainName: 'feeds.example.cn',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-4567-89ab-cdef-0123456789ab',
      },
      /us-east-1/,
    ],
    [{ sectionSlugs: '{要闻: news}' }, /sectionSlugs/],
    [{ alarmEmail: 'night desk' }, /alarmEmail/],
    [{ buildReservedConcurrency: '0' }, /buildReservedConcurrency/],
  ])('rejects %j before building anything', (context, message) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
    expect(() => createPublisherApp(app, entries)).toThrow(ConfigError);
    expect(() => createPublisherApp(new App({ context }), entries)).toThrow(message);
  });
});
