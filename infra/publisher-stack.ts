import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { serviceNames } from '../shared/operations/metric-names.ts';
import {
  cdnDistributionEnv,
  deskTopicEnv,
  ingestBucketEnv,
  siteBucketEnv,
  siteHostHeaderEnv,
} from '../shared/runtime-env.ts';
import {
  inputPrefix,
  opmlKey,
  rootTextFiles,
  sitemapIndexKey,
  sitePrefixes,
  underPrefix,
} from '../shared/site-layout.ts';
import { PublisherBuckets } from './constructs/publisher-buckets.ts';
import { PublisherFunction } from './constructs/publisher-function.ts';
import { PublisherMonitoring } from './constructs/publisher-monitoring.ts';
import { SiteDistribution, viewerHostHeader } from './constructs/site-distribution.ts';
import { functionEnvironment, type StackSettings } from './context-config.ts';
import { assertSupportedRegion } from './regions.ts';

const packageJson = JSON.parse(
  readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
) as { dependencies?: Record<string, string> };

/** The exact version package.json pins, so the function's asset and the tests use the same one. */
const dependencyVersion = (name: string): string => {
  const version = packageJson.dependencies?.[name];
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version))
    throw new Error(`package.json must pin ${name} to an exact version (found ${version ?? 'none'})`);
  return version;
};

/** Properties of {@link PublisherStack}: the validated context (see context-config.ts). */
export interface PublisherStackProps extends StackProps {
  settings: StackSettings;
  /** Handler entry files; default the real handlers under functions/. */
  entries?: { buildFeeds: string; serveArticle: string };
  /**
   * The region an environment-agnostic stack will be deployed to, when known at synth (the CDK
   * CLI's CDK_DEFAULT_REGION): checked with the stack's own region by `assertSupportedRegion`.
   */
  deployRegion?: string | undefined;
}

/** The handler files bundled into the two functions (each exports `handler`). */
const defaultEntries = {
  buildFeeds: fileURLToPath(new URL('../functions/build-feeds/handler.ts', import.meta.url)),
  serveArticle: fileURLToPath(new URL('../functions/serve-article/handler.ts', import.meta.url)),
};

/** Key prefixes the build function writes in the site bucket (shared/site-layout.ts), `state/` included. */
export const siteOutputKeyPatterns = [
  underPrefix(sitePrefixes.articles),
  underPrefix(sitePrefixes.issues),
  underPrefix(sitePrefixes.feeds),
  opmlKey,
  underPrefix(sitePrefixes.reports),
  underPrefix(sitePrefixes.state),
  // Discovery (shared/sitemaps): the sitemaps, robots.txt and the IndexNow key file at the root.
  underPrefix(sitePrefixes.sitemaps),
  sitemapIndexKey,
  rootTextFiles,
  // Photo renditions and page facsimiles (docs/photos.md).
  underPrefix(sitePrefixes.media),
] as const;

/**
 * Key prefixes the build function may delete in: archive documents of a date a section no longer
 * appears in (shared/publish/site-writers.ts `deleteArchiveFeeds`), a sitemap left without URLs
 * (shared/sitemaps/write-sitemaps.ts: the schemas allow no empty one), and the hash records a
 * publish invalidates before it writes into their group (shared/publish/derived-hashes.ts).
 * Nothing else is ever deleted.
 */
export const siteDeleteKeyPatterns = [
  underPrefix(sitePrefixes.feeds),
  underPrefix(sitePrefixes.sitemaps),
  sitemapIndexKey,
  underPrefix(sitePrefixes.hashRecords),
  // Renditions no record references any more: a photo replaced or retracted (docs/photos.md).
  underPrefix(sitePrefixes.media),
] as const;

/** Key prefixes the permalink function reads: article and issue records, nothing else. */
export const articleReadKeyPatterns = [
  underPrefix(sitePrefixes.articles),
  underPrefix(sitePrefixes.issues),
] as const;

/**
 * The whole publisher, as in the README's diagram: uploads land in the ingest bucket, whose
 * `incoming/` events run the build function, which writes the site bucket; CloudFront serves
 * feeds from that bucket and pages from the permalink function; failures queue, alarms and the
 * dashboard watch it all. Constructs only; the behaviour lives in shared/.
 */
export class PublisherStack extends Stack {
  constructor(scope: Construct, id: string, props: PublisherStackProps) {
    super(scope, id, props);
    assertSupportedRegion(Token.isUnresolved(this.region) ? props.deployRegion : this.region);
    const { settings } = props;
    const entries = props.entries ?? defaultEntries;

    const storage = new PublisherBuckets(this, 'Storage');
    const serve = this.permalinkFunction(settings, entries.serveArticle, storage.siteBucket);
    const site = new SiteDistribution(this, 'Site', {
      siteBucket: storage.siteBucket,
      articleFunctionUrl: serve.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM }),
      logBucket: storage.logBucket,
      customDomain: settings.customDomain,
    });
    const failureQueue = this.failureQueue();
    const build = this.buildFunction(settings, entries.buildFeeds, storage, site.siteUrl, failureQueue);
    // Renditions of a replaced or retracted photo are cached a year at the edge: the build function
    // invalidates them on this distribution (and no other) once deleted. No cycle: the
    // distribution does not depend on the build function.
    build.function.addEnvironment(cdnDistributionEnv, site.distribution.distributionId);
    site.distribution.grantCreateInvalidation(build.role);

    // Only the input prefix triggers: every output key lives elsewhere (no write → event loop).
    for (const event of [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_REMOVED]) {
      storage.ingestBucket.addEventNotification(event, new s3n.LambdaDestination(build.function), {
        prefix: inputPrefix,
      });
    }
    storage.keepNotificationId();

    const monitoring = new PublisherMonitoring(this, 'Monitoring', {
      buildFunction: build.function,
      serveFunction: serve.function,
      failureQueue,
      alarmEmail: settings.alarmEmail,
      deskEmail: settings.deskEmail,
    });
    // Rejected uploads reach the desk: the build function publishes to its topic.
    build.function.addEnvironment(deskTopicEnv, monitoring.deskTopic.topicArn);
    monitoring.deskTopic.grantPublish(build.role);

    this.outputs(site, storage, failureQueue, monitoring);
    this.acknowledgeCdkHelpers();
  }

  /** The permalink function: reads article and issue records, answers behind CloudFront. */
  private permalinkFunction(
    settings: StackSettings,
    entry: string,
    siteBucket: s3.Bucket,
  ): PublisherFunction {
    const serve = new PublisherFunction(this, 'ServeArticle', {
      description: 'Permalink pages: /articles/<date>/<id>, issue tables of contents, home',
      entry,
      memorySize: 512,
      timeout: Duration.seconds(10),
      logRetention: logs.RetentionDays.THREE_MONTHS,
      logGroupLogicalId: 'ServeArticleLogs2E55E8BD',
      serviceName: serviceNames.serve,
      logLevel: settings.logLevel,
      // Cache-busting URLs reach this function; the cap keeps them from taking the account's
      // concurrency (and the build function's with it).
      reservedConcurrentExecutions: settings.serveReservedConcurrency,
      environment: {
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
    serve.grantObjects(
      siteBucket,
      ['s3:GetObject'],
      articleReadKeyPatterns,
      'reads article and issue records',
    );
    serve.allowNotFound(siteBucket);
    return serve;
  }

  /** Where events that failed twice wait for an operator (docs/infrastructure.md, rebuild). */
  private failureQueue(): sqs.Queue {
    const queue = new sqs.Queue(this, 'BuildFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the build function; it has no consumer to fail.',
    });
    return queue;
  }

  /** The build function: reads uploads, writes the published site. */
  private buildFunction(
    settings: StackSettings,
    entry: string,
    { ingestBucket, siteBucket }: PublisherBuckets,
    siteUrl: string,
    failureQueue: sqs.IQueue,
  ): PublisherFunction {
    const build = new PublisherFunction(this, 'BuildFeeds', {
      description: 'Publishes uploads under incoming/: article records, issue documents, feeds, OPML',
      entry,
      // Rendering ~20 feed documents per upload and decoding photos (libvips) are CPU-bound, and
      // memory buys CPU on Lambda: 1769 MB is one full vCPU, where one 12-megapixel photo takes
      // about 0.5–0.7 s of a core. Memory itself is not the limit: four 12 MP photos peaked at
      // 185 MB RSS (docs/photos.md, "Measurements and decisions").
      memorySize: 1769,
      // sharp's libvips binary must be the linux-arm64 build, not the synthesizing machine's.
      nativeModules: { sharp: dependencyVersion('sharp') },
      timeout: Duration.minutes(3),
      // A year of publishing history: what was published when, and every rejected upload.
      logRetention: logs.RetentionDays.ONE_YEAR,
      logGroupLogicalId: 'BuildFeedsLogs29EBF9E3',
      serviceName: serviceNames.build,
      logLevel: settings.logLevel,
      // Optional cap. Throttled S3 events wait and retry for up to maxEventAge, then land in the
      // failure queue: a low cap delays publishing, it never loses an upload silently.
      reservedConcurrentExecutions: settings.buildReservedConcurrency,
      async: {
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: new SqsDestination(failureQueue),
      },
      environment: {
        [ingestBucketEnv]: ingestBucket.bucketName,
        [siteBucketEnv]: siteBucket.bucketName,
        // No cycle here: the distribution does not depend on this function.
        ...functionEnvironment(settings.config, siteUrl),
      },
    });
    build.grantObjects(ingestBucket, ['s3:GetObject'], [underPrefix(inputPrefix)], 'reads uploads');
    build.allowNotFound(ingestBucket);
    build.grantObjects(
      siteBucket,
      ['s3:GetObject', 's3:PutObject'],
      siteOutputKeyPatterns,
      'reads and writes the published site',
    );
    build.grantObjects(siteBucket, ['s3:DeleteObject'], siteDeleteKeyPatterns, 'deletes stale archives');
    build.allowNotFound(siteBucket);
    return build;
  }

  private outputs(
    site: SiteDistribution,
    { ingestBucket, siteBucket }: PublisherBuckets,
    failureQueue: sqs.IQueue,
    monitoring: PublisherMonitoring,
  ): void {
    const output = (id: string, value: string, description?: string) =>
      new CfnOutput(this, id, { value, ...(description ? { description } : {}) });
    output('SiteUrl', site.siteUrl, 'Public site URL');
    output('OpmlUrl', `${site.siteUrl}/${opmlKey}`, 'Every feed, as OPML');
    output('DistributionDomainName', site.distribution.distributionDomainName);
    output('DistributionId', site.distribution.distributionId, 'For invalidations after a rebuild');
    output('IngestBucketName', ingestBucket.bucketName, `Upload issues under s3://<bucket>/${inputPrefix}`);
    output('SiteBucketName', siteBucket.bucketName, 'Published site (rebuild target)');
    output('FailureQueueUrl', failureQueue.queueUrl, 'Events that failed to publish');
    output('AlarmTopicArn', monitoring.alarmTopic.topicArn, 'Subscribe to receive alarms');
    output('DeskTopicArn', monitoring.deskTopic.topicArn, 'Subscribe to hear of every rejected upload');
    output('DashboardName', monitoring.dashboard.dashboardName, 'CloudWatch dashboard of the publisher');
  }

  /** CDK's own helper for S3 notifications: its managed policy is CDK's, not ours to shape. */
  private acknowledgeCdkHelpers(): void {
    for (const child of this.node.children) {
      if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
      Validations.of(child).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'CDK-provided BucketNotificationsHandler; it only configures the ingest bucket notification at deploy time.',
      });
    }
  }
}
