import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ingestBucketEnv, siteBucketEnv, siteHostHeaderEnv } from '../shared/runtime-env.ts';
import { inputPrefix, opmlKey } from '../shared/site-layout.ts';
import { SiteDistribution, viewerHostHeader } from './constructs/site-distribution.ts';
import { functionEnvironment, type StackSettings } from './context-config.ts';

/** Properties of {@link PublisherStack}: the validated context (see context-config.ts). */
export interface PublisherStackProps extends StackProps {
  settings: StackSettings;
  /** Handler entry files; default the real handlers under functions/. */
  entries?: { buildFeeds: string; serveArticle: string };
}

/** The handler files bundled into the two functions (each exports `handler`). */
export const defaultEntries = {
  buildFeeds: fileURLToPath(new URL('../functions/build-feeds/handler.ts', import.meta.url)),
  serveArticle: fileURLToPath(new URL('../functions/serve-article/handler.ts', import.meta.url)),
};

/** Key prefixes the build function writes in the site bucket (shared/site-layout.ts), `state/` included. */
export const siteOutputKeyPatterns = [
  'articles/*',
  'issues/*',
  'feeds/*',
  opmlKey,
  'reports/*',
  'state/*',
  // Discovery (shared/sitemaps): the sitemaps, robots.txt and the IndexNow key file at the root.
  'sitemaps/*',
  'sitemap.xml',
  '*.txt',
] as const;

/**
 * Key prefixes the build function may delete in: archive documents of a date a section no longer
 * appears in (shared/publish/site-writers.ts `deleteArchiveFeeds`), and a sitemap left without URLs
 * (shared/sitemaps/write-sitemaps.ts: the schemas allow no empty one). Nothing else is ever deleted.
 */
export const siteDeleteKeyPatterns = ['feeds/*', 'sitemaps/*', 'sitemap.xml'] as const;

/** Key prefixes the permalink function reads: article and issue records, nothing else. */
export const articleReadKeyPatterns = ['articles/*', 'issues/*'] as const;

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const lockFile = fileURLToPath(new URL('../package-lock.json', import.meta.url));

/**
 * Bundling shared by both functions; measured best on this project (docs/infrastructure.md).
 * The AWS SDK is bundled, not taken from the runtime: conditional writes need IfMatch
 * (client-s3 >= 3.700), and older SDKs silently drop the header.
 */
const bundling: nodejs.BundlingOptions = {
  format: nodejs.OutputFormat.ESM,
  mainFields: ['module', 'main'],
  target: 'node24',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // ESM bundles of CommonJS dependencies still call require(): give them one.
  banner: "import{createRequire}from'module';const require=createRequire(import.meta.url);",
  externalModules: [],
  bundleAwsSDK: true,
  // esbuild is a devDependency: never fall back to Docker (there is none in CI).
  forceDockerBundling: false,
};

// Node.js 24: current LTS line and what cdk-nag's L1 expects. Node 24 dropped callback-style
// handlers; both of ours are async, so nothing depends on them.
const runtime = lambda.Runtime.NODEJS_24_X;

/** Buckets share one hardening: private, TLS only, S3-managed encryption, owner-enforced objects. */
const hardenedBucketProps: s3.BucketProps = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  encryption: s3.BucketEncryption.S3_MANAGED,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  // Uploads and published records are the newspaper's archive: a stack deletion must not take them.
  removalPolicy: RemovalPolicy.RETAIN,
};

/**
 * The whole publisher: ingest bucket → build function → site bucket → CloudFront, plus the
 * permalink function, failure queue and alarms. Constructs only; the behaviour lives in shared/.
 */
export class PublisherStack extends Stack {
  constructor(scope: Construct, id: string, props: PublisherStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const entries = props.entries ?? defaultEntries;

    // --- Storage -------------------------------------------------------------------------------

    // Access logs of both buckets and of CloudFront. CloudFront standard logging still writes
    // with ACLs, hence BUCKET_OWNER_PREFERRED on this bucket only.
    const logBucket = new s3.Bucket(this, 'LogBucket', {
      ...hardenedBucketProps,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(400) }],
    });
    Validations.of(logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    });

    const ingestBucket = new s3.Bucket(this, 'IngestBucket', {
      ...hardenedBucketProps,
      // Every upload version is kept: a replaced or deleted page can always be recovered.
      versioned: true,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'ingest/',
      lifecycleRules: [
        {
          id: 'archive-old-versions',
          noncurrentVersionTransitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(30) },
          ],
          // Ten years: well beyond any correction or legal request on an issue.
          noncurrentVersionExpiration: Duration.days(3650),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    const siteBucket = new s3.Bucket(this, 'SiteBucket', {
      ...hardenedBucketProps,
      // Issue documents hold the article ids readers subscribed to: protect them from overwrites.
      versioned: true,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'site/',
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          // Feeds are rewritten on every publish; old versions are only an undo window.
          noncurrentVersionExpiration: Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // --- Permalink function ------------------------------------------------------------------

    const serveLogs = new logs.LogGroup(this, 'ServeArticleLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const serveRole = this.functionRole('ServeArticleRole', serveLogs);
    // One explicit statement per need, no grant helper: grantRead would add the whole bucket.
    serveRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: articleReadKeyPatterns.map((pattern) => siteBucket.arnForObjects(pattern)),
      }),
    );
    serveRole.addToPolicy(this.listForNotFound(siteBucket, articleReadKeyPatterns));
    this.acknowledgeKeyPrefixes(
      serveRole,
      siteBucket,
      articleReadKeyPatterns,
      'reads article and issue records',
    );

    const serveArticle = new nodejs.NodejsFunction(this, 'ServeArticle', {
      description: 'Permalink pages: /articles/<date>/<id>, issue tables of contents, home',
      entry: entries.serveArticle,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: lockFile,
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      role: serveRole,
      logGroup: serveLogs,
      bundling,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        [siteBucketEnv]: siteBucket.bucketName,
        // With a custom domain the site URL is known now. Without one it is the distribution's
        // domain, which this function cannot be told: the distribution needs the function URL
        // first (a cycle). It then takes the viewer's host from the header CloudFront adds.
        ...functionEnvironment(
          settings.config,
          settings.customDomain ? `https://${settings.customDomain.domainName}` : undefined,
        ),
        ...(settings.customDomain ? {} : { [siteHostHeaderEnv]: viewerHostHeader }),
      },
    });
    const serveUrl = serveArticle.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });

    // --- Distribution --------------------------------------------------------------------------

    const site = new SiteDistribution(this, 'Site', {
      siteBucket,
      articleFunctionUrl: serveUrl,
      logBucket,
      customDomain: settings.customDomain,
    });
    if (!settings.customDomain) {
      Validations.of(site.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot pin a minimum TLS version; with the domainName/certificateArn context the distribution requires TLSv1.2_2021.',
      });
    }
    Validations.of(site.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'A newspaper is read worldwide; the content is public and carries no geographic licence limit.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Read-only public documents; the origins accept GET/HEAD only and every origin request is cached or answered from S3. A WAF web ACL can be attached by the operator if abuse appears.',
      },
    );

    // --- Build function ----------------------------------------------------------------------

    const failureQueue = new sqs.Queue(this, 'BuildFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the build function; it has no consumer to fail.',
    });

    const buildLogs = new logs.LogGroup(this, 'BuildFeedsLogs', {
      // A year of publishing history: what was published when, and every rejected upload.
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const buildRole = this.functionRole('BuildFeedsRole', buildLogs);
    buildRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [ingestBucket.arnForObjects(`${inputPrefix}*`)],
      }),
    );
    buildRole.addToPolicy(this.listForNotFound(ingestBucket, [`${inputPrefix}*`]));
    buildRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: siteOutputKeyPatterns.map((pattern) => siteBucket.arnForObjects(pattern)),
      }),
    );
    buildRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:DeleteObject'],
        resources: siteDeleteKeyPatterns.map((pattern) => siteBucket.arnForObjects(pattern)),
      }),
    );
    buildRole.addToPolicy(this.listForNotFound(siteBucket, siteOutputKeyPatterns));
    this.acknowledgeKeyPrefixes(buildRole, ingestBucket, [`${inputPrefix}*`], 'reads uploads');
    this.acknowledgeKeyPrefixes(
      buildRole,
      siteBucket,
      siteOutputKeyPatterns.filter((pattern) => pattern.includes('*')),
      'reads and writes the published site',
    );

    const buildFeeds = new nodejs.NodejsFunction(this, 'BuildFeeds', {
      description: 'Publishes uploads under incoming/: article records, issue documents, feeds, OPML',
      entry: entries.buildFeeds,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: lockFile,
      runtime,
      architecture: lambda.Architecture.ARM_64,
      // Rendering ~20 feed documents per upload is CPU-bound; memory buys CPU on Lambda.
      memorySize: 1024,
      timeout: Duration.minutes(3),
      role: buildRole,
      logGroup: buildLogs,
      bundling,
      // Optional cap. Throttled S3 events wait and retry for up to maxEventAge, then land in the
      // failure queue: a low cap delays publishing, it never loses an upload silently.
      reservedConcurrentExecutions: settings.buildReservedConcurrency,
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(failureQueue),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        [ingestBucketEnv]: ingestBucket.bucketName,
        [siteBucketEnv]: siteBucket.bucketName,
        // No cycle here: the distribution does not depend on this function.
        ...functionEnvironment(settings.config, site.siteUrl),
      },
    });

    // Only the input prefix triggers: every output key lives elsewhere (no write → event loop).
    for (const event of [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_REMOVED]) {
      ingestBucket.addEventNotification(event, new s3n.LambdaDestination(buildFeeds), {
        prefix: inputPrefix,
      });
    }

    // --- Alarms --------------------------------------------------------------------------------

    const alarmTopic = new sns.Topic(this, 'Alarms', {
      displayName: 'Quzhou Daily publisher alarms',
      enforceSSL: true,
    });
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values only. CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer key adds cost and key policy for no confidential data.',
    });
    if (settings.alarmEmail) {
      alarmTopic.addSubscription(new snsSubscriptions.EmailSubscription(settings.alarmEmail));
    }
    const alarmAction = new cloudwatchActions.SnsAction(alarmTopic);

    const alarms = [
      new cloudwatch.Alarm(this, 'BuildErrors', {
        alarmDescription:
          'The build function failed (it retries twice, then the event goes to the failure queue).',
        metric: buildFeeds.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'BuildFailuresWaiting', {
        alarmDescription:
          'Uploads that could not be published are waiting in the failure queue: fix, then rebuild (docs/infrastructure.md).',
        metric: failureQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'ServeErrors', {
        alarmDescription: 'The permalink function is failing (readers see 5xx on article pages).',
        metric: serveArticle.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) {
      alarm.addAlarmAction(alarmAction);
      alarm.addOkAction(alarmAction);
    }

    // --- Outputs -------------------------------------------------------------------------------

    new CfnOutput(this, 'SiteUrl', { value: site.siteUrl, description: 'Public site URL' });
    new CfnOutput(this, 'OpmlUrl', {
      value: `${site.siteUrl}/${opmlKey}`,
      description: 'Every feed, as OPML',
    });
    new CfnOutput(this, 'DistributionDomainName', { value: site.distribution.distributionDomainName });
    new CfnOutput(this, 'DistributionId', {
      value: site.distribution.distributionId,
      description: 'For invalidations after a rebuild',
    });
    new CfnOutput(this, 'IngestBucketName', {
      value: ingestBucket.bucketName,
      description: `Upload issues under s3://<bucket>/${inputPrefix}`,
    });
    new CfnOutput(this, 'SiteBucketName', {
      value: siteBucket.bucketName,
      description: 'Published site (rebuild target)',
    });
    new CfnOutput(this, 'FailureQueueUrl', {
      value: failureQueue.queueUrl,
      description: 'Events that failed to publish',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarmTopic.topicArn,
      description: 'Subscribe to receive alarms',
    });

    this.acknowledgeCdkHelpers();
  }

  /**
   * A role that may write to its own log group and nothing else yet. Replaces the default role,
   * whose AWS managed policy (AWSLambdaBasicExecutionRole) may write to every log group.
   */
  private functionRole(id: string, logGroup: logs.LogGroup): iam.Role {
    const role = new iam.Role(this, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroup.logGroupArn}`],
      }),
    );
    return role;
  }

  /**
   * s3:ListBucket on the bucket (no object access), limited by `s3:prefix` to the key patterns the
   * function reads. Without it S3 answers 403 instead of 404 for a missing key, and the store port
   * could not tell "absent" (first upload of a date, unknown article) from "forbidden".
   *
   * The prefix condition keeps the 404s: for a GetObject/HeadObject of a missing key, S3 checks
   * ListBucket with the requested key as `s3:prefix`, so `articles/*` covers a missing
   * `articles/…` key and still refuses a listing of `state/` or of the whole bucket (a listing
   * without a prefix carries no `s3:prefix`, and `StringLike` fails on an absent key).
   * Ceph RGW adopted the same rule to match AWS (ceph/ceph#68577, s3-tests
   * `test_head_object_404_with_policy_prefix`).
   */
  private listForNotFound(bucket: s3.IBucket, patterns: readonly string[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [...patterns] } },
    });
  }

  /**
   * cdk-nag reports every `prefix/*` object ARN as a wildcard. These are the narrowest resources
   * S3 allows (one key prefix each, the keys are dated and unbounded), so each is acknowledged
   * by name: a new wildcard added later still fails the synth.
   */
  private acknowledgeKeyPrefixes(
    role: iam.Role,
    bucket: s3.Bucket,
    patterns: readonly string[],
    what: string,
  ): void {
    const bucketId = this.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(role).acknowledge(
      ...patterns.map((pattern) => ({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${pattern}]`,
        reason: `The function ${what} under the ${pattern} key prefix only; object keys are dated and unbounded, so a prefix is the narrowest resource.`,
      })),
    );
  }

  /** CDK's own helper for S3 notifications: its role and code are CDK's, not ours to shape. */
  private acknowledgeCdkHelpers(): void {
    for (const child of this.node.children) {
      if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
      Validations.of(child).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            'CDK-provided BucketNotificationsHandler; it only configures the ingest bucket notification at deploy time.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'CDK-provided BucketNotificationsHandler needs s3:PutBucketNotification; CDK scopes it to "*" because the bucket may be imported.',
        },
      );
    }
  }
}
