import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { keepLogicalId } from './stable-logical-id.ts';

/** Buckets share one hardening: private, TLS only, S3-managed encryption, owner-enforced objects. */
const hardenedBucketProps: s3.BucketProps = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  encryption: s3.BucketEncryption.S3_MANAGED,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  // Uploads, published records and access logs are the newspaper's archive and its audit trail:
  // a stack deletion must not take them.
  removalPolicy: RemovalPolicy.RETAIN,
};

/**
 * The publisher's three buckets: uploads (ingest), the published site, and the access logs of
 * both and of CloudFront. Each keeps the logical id it was first deployed with.
 */
export class PublisherBuckets extends Construct {
  readonly logBucket: s3.Bucket;
  readonly ingestBucket: s3.Bucket;
  readonly siteBucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // CloudFront standard logging still writes with ACLs, hence BUCKET_OWNER_PREFERRED here only.
    // Versioned although logs are never overwritten: a deleted log object (by mistake, or by
    // someone covering tracks) stays recoverable for 90 days as a noncurrent version.
    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      ...hardenedBucketProps,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-logs',
          expiration: Duration.days(400),
          noncurrentVersionExpiration: Duration.days(90),
        },
        // Expiring a current version leaves a delete marker; S3 forbids combining this with Days.
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });

    this.ingestBucket = new s3.Bucket(this, 'IngestBucket', {
      ...hardenedBucketProps,
      // Every upload version is kept: a replaced or deleted page can always be recovered.
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
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

    this.siteBucket = new s3.Bucket(this, 'SiteBucket', {
      ...hardenedBucketProps,
      // Issue documents hold the article ids readers subscribed to: protect them from overwrites.
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
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

    keepLogicalId(this.logBucket, 'LogBucketCC3B17E8');
    keepLogicalId(this.ingestBucket, 'IngestBucket2B3522FA');
    keepLogicalId(this.siteBucket, 'SiteBucket397A1860');
    // enforceSSL created each bucket's policy already; more statements join the same resource.
    keepLogicalId(this.logBucket.policy!, 'LogBucketPolicy900DBE48');
    keepLogicalId(this.ingestBucket.policy!, 'IngestBucketPolicy7E6A5A36');
    keepLogicalId(this.siteBucket.policy!, 'SiteBucketPolicy3AC1D0F8');
  }

  /** Keep the id of the ingest bucket's notification resource (call after adding notifications). */
  keepNotificationId(): void {
    keepLogicalId(this.ingestBucket.node.findChild('Notifications'), 'IngestBucketNotificationsE6245409');
  }
}
