import { beforeAll, describe, expect, it } from 'vitest';
import { pathRoutes } from '../../infra/constructs/site-distribution.ts';
import {
  buildMetrics,
  metricsNamespace,
  serveMetrics,
  statusClasses,
} from '../../shared/operations/metric-names.ts';
import { type Synth, synth } from './synth-kit.ts';

const resourceProps = (s: Synth, type: string, prefix: string) =>
  s.template.findResources(type)[s.logicalId(type, prefix)]!.Properties;

/** A dashboard body is a Fn::Join of literal JSON and tokens: the literal parts, joined. */
const dashboardBody = (s: Synth): string => {
  const body = resourceProps(s, 'AWS::CloudWatch::Dashboard', 'MonitoringDashboard').DashboardBody as {
    'Fn::Join': [string, unknown[]];
  };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
};

describe('operations (default context)', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth();
  });

  it('graphs every metric the functions emit, under the namespace and services they use', () => {
    const body = dashboardBody(s);
    expect(body).toContain(`"${metricsNamespace}"`);
    for (const name of Object.values(buildMetrics)) {
      if (name === buildMetrics.uploadsRejected) continue;
      expect(body, name).toMatch(new RegExp(`"${metricsNamespace}","${name}","service","build-feeds"`));
    }
    // Rejections by whichever error codes occurred.
    expect(body).toContain(`MetricName=\\"${buildMetrics.uploadsRejected}\\"`);
    expect(body).toContain(`SEARCH('{${metricsNamespace},code,service}`);
    for (const statusClass of statusClasses)
      expect(body).toContain(
        `"${metricsNamespace}","${serveMetrics.responses}","service","serve-article","statusClass","${statusClass}"`,
      );
    expect(body).toContain('"Url5xxCount"');
  });

  it('shows every alarm on the dashboard', () => {
    const body = dashboardBody(s);
    const alarmIds = Object.keys(s.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarmIds.length).toBe(5);
    for (const id of alarmIds) expect(body, id).toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
  });

  it('alarms when the permalink function is throttled at its cap, and caps it at 20 by default', () => {
    expect(resourceProps(s, 'AWS::CloudWatch::Alarm', 'MonitoringServeThrottles')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: s.logicalId('AWS::Lambda::Function', 'ServeArticle') } },
      ],
      AlarmActions: [{ Ref: s.logicalId('AWS::SNS::Topic', 'Alarms') }],
    });
    expect(resourceProps(s, 'AWS::Lambda::Function', 'ServeArticle').ReservedConcurrentExecutions).toBe(20);
    expect(
      resourceProps(s, 'AWS::Lambda::Function', 'BuildFeeds').ReservedConcurrentExecutions,
    ).toBeUndefined();
  });

  it('gives the desk a TLS-only topic of its own that no alarm and no other service publishes to', () => {
    const deskId = s.logicalId('AWS::SNS::Topic', 'MonitoringDesk');
    const policy = Object.values(s.template.findResources('AWS::SNS::TopicPolicy')).find((p) =>
      JSON.stringify(p.Properties.Topics).includes(`"${deskId}"`),
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    expect(statements.map((st) => st.Effect)).toEqual(['Deny']);
    expect(statements[0]).toMatchObject({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(JSON.stringify(s.template.findResources('AWS::CloudWatch::Alarm'))).not.toContain(deskId);
    s.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('versions the log bucket, keeps deleted logs 90 days and clears expired delete markers', () => {
    const logBucket = resourceProps(s, 'AWS::S3::Bucket', 'LogBucket');
    expect(logBucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(logBucket.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-logs',
        Status: 'Enabled',
        ExpirationInDays: 400,
        NoncurrentVersionExpiration: { NoncurrentDays: 90 },
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
  });

  it('puts the security response headers on every behaviour, one per route plus the default', () => {
    const config = Object.values(s.template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties
      .DistributionConfig;
    const behaviors = config.CacheBehaviors as Array<Record<string, unknown>>;
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(Object.keys(pathRoutes).sort());
    const policies = s.template.findResources('AWS::CloudFront::ResponseHeadersPolicy');
    for (const b of [config.DefaultCacheBehavior, ...behaviors]) {
      const id = (b.ResponseHeadersPolicyId as { Ref: string } | undefined)?.Ref;
      expect(id, String(b.PathPattern ?? 'default')).toBeDefined();
      const headers = policies[id!]!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
      expect(Object.keys(headers).sort()).toEqual([
        'ContentSecurityPolicy',
        'ContentTypeOptions',
        'FrameOptions',
        'ReferrerPolicy',
        'StrictTransportSecurity',
      ]);
    }
  });
});

describe('operations (context)', () => {
  it('subscribes the desk e-mail to the desk topic and lifts the permalink cap when told off', () => {
    const s = synth({ deskEmail: 'desk@example.cn', serveReservedConcurrency: 'off', logLevel: 'debug' });
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'desk@example.cn',
      TopicArn: { Ref: s.logicalId('AWS::SNS::Topic', 'MonitoringDesk') },
    });
    s.template.resourceCountIs('AWS::SNS::Subscription', 1);
    const serve = resourceProps(s, 'AWS::Lambda::Function', 'ServeArticle');
    expect(serve.ReservedConcurrentExecutions).toBeUndefined();
    expect(serve.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('DEBUG');
    expect(
      resourceProps(s, 'AWS::Lambda::Function', 'BuildFeeds').Environment.Variables.POWERTOOLS_LOG_LEVEL,
    ).toBe('DEBUG');
  });
});
