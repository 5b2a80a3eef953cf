import { beforeAll, describe, expect, it } from 'vitest';
import { type Synth, synth } from './synth-kit.ts';

/**
 * Logical ids of the resources that must never be replaced, as first deployed. CloudFormation
 * knows resources by logical id only: a changed id creates a new (empty) bucket or log group and
 * orphans the retained old one, drops confirmed e-mail subscriptions with the topic, and deletes
 * a bucket policy or notification configuration on the way. Moving constructs around must keep
 * every id below.
 */
const stableIds: Record<string, string> = {
  LogBucketCC3B17E8: 'AWS::S3::Bucket',
  LogBucketPolicy900DBE48: 'AWS::S3::BucketPolicy',
  IngestBucket2B3522FA: 'AWS::S3::Bucket',
  IngestBucketPolicy7E6A5A36: 'AWS::S3::BucketPolicy',
  IngestBucketNotificationsE6245409: 'Custom::S3BucketNotifications',
  SiteBucket397A1860: 'AWS::S3::Bucket',
  SiteBucketPolicy3AC1D0F8: 'AWS::S3::BucketPolicy',
  ServeArticleLogs2E55E8BD: 'AWS::Logs::LogGroup',
  BuildFeedsLogs29EBF9E3: 'AWS::Logs::LogGroup',
  ServeArticleB2E57E2B: 'AWS::Lambda::Function',
  ServeArticleFunctionUrlA6F38B4C: 'AWS::Lambda::Url',
  BuildFeeds98151936: 'AWS::Lambda::Function',
  SiteDistribution390DED28: 'AWS::CloudFront::Distribution',
  BuildFailuresBD103A49: 'AWS::SQS::Queue',
  Alarms04B5A0BF: 'AWS::SNS::Topic',
  AlarmsPolicy5C860CFE: 'AWS::SNS::TopicPolicy',
  BuildErrors4C5AC4E6: 'AWS::CloudWatch::Alarm',
  BuildFailuresWaitingB3E0AF09: 'AWS::CloudWatch::Alarm',
  ServeErrorsFFAA886C: 'AWS::CloudWatch::Alarm',
};

describe('logical ids of stateful resources', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth();
  });

  it('keeps every id the stack was first deployed with', () => {
    const types = Object.fromEntries(Object.entries(s.json.Resources).map(([id, r]) => [id, r.Type]));
    for (const [id, type] of Object.entries(stableIds)) expect(types[id], id).toBe(type);
  });

  it('has no second resource of a kept kind that could be a replacement', () => {
    for (const type of [
      'AWS::S3::Bucket',
      'AWS::Logs::LogGroup',
      'AWS::SQS::Queue',
      'AWS::CloudFront::Distribution',
    ]) {
      const ids = Object.entries(s.json.Resources)
        .filter(([, r]) => r.Type === type)
        .map(([id]) => id)
        .sort();
      expect(ids, type).toEqual(
        Object.entries(stableIds)
          .filter(([, t]) => t === type)
          .map(([id]) => id)
          .sort(),
      );
    }
  });
});
