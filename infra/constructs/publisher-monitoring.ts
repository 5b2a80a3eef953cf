import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  buildMetrics,
  metricsNamespace,
  rejectionCodeDimension,
  serveMetrics,
  serviceNames,
  statusClassDimension,
  statusClasses,
} from '../../shared/operations/metric-names.ts';
import { keepLogicalId } from './stable-logical-id.ts';

/** Properties of {@link PublisherMonitoring}. */
export interface PublisherMonitoringProps {
  buildFunction: lambda.IFunction;
  serveFunction: lambda.IFunction;
  failureQueue: sqs.IQueue;
  /** Subscribed to the alarm topic (optional). */
  alarmEmail: string | undefined;
  /** Subscribed to the desk topic, which hears of every rejected upload (optional). */
  deskEmail: string | undefined;
}

const fiveMinutes = Duration.minutes(5);

/**
 * The operator's and the desk's view: the alarm topic and its alarms, the desk topic that hears
 * of rejected uploads, and one CloudWatch dashboard with the functions' own metrics (Powertools
 * EMF, shared/operations/metric-names.ts) beside Lambda's and the alarms.
 */
export class PublisherMonitoring extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly deskTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PublisherMonitoringProps) {
    super(scope, id);
    this.alarmTopic = this.tlsOnlyTopic('Alarms', 'Quzhou Daily publisher alarms', props.alarmEmail);
    // Subscriptions are confirmed by e-mail: a replaced topic would silently lose them.
    keepLogicalId(this.alarmTopic, 'Alarms04B5A0BF');
    keepLogicalId(this.alarmTopic.node.findChild('Policy'), 'AlarmsPolicy5C860CFE');
    // enforceSSL gives the topic a policy holding only a Deny, and a topic policy replaces SNS's
    // default one: without this Allow no alarm of this account could ever publish (no e-mail).
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    // Editors, not on-call engineers: which page was refused and why. The build function
    // publishes here with its role (same account), so the topic needs no service Allow.
    this.deskTopic = this.tlsOnlyTopic('Desk', 'Quzhou Daily: rejected uploads', props.deskEmail);

    this.alarms = this.createAlarms(props);
    const action = new cloudwatchActions.SnsAction(this.alarmTopic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.dashboard = this.createDashboard(props);
  }

  private tlsOnlyTopic(id: string, displayName: string, email: string | undefined): sns.Topic {
    const topic = new sns.Topic(this, id, { displayName, enforceSSL: true });
    if (email) topic.addSubscription(new snsSubscriptions.EmailSubscription(email));
    return topic;
  }

  private createAlarms(props: PublisherMonitoringProps): cloudwatch.Alarm[] {
    const atLeast = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number) =>
      new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const sum = { period: fiveMinutes, statistic: cloudwatch.Stats.SUM };
    const alarms = [
      atLeast(
        'BuildErrors',
        'The build function failed (it retries twice, then the event goes to the failure queue).',
        props.buildFunction.metricErrors(sum),
        1,
      ),
      atLeast(
        'BuildFailuresWaiting',
        'Uploads that could not be published are waiting in the failure queue: fix, then rebuild (docs/infrastructure.md).',
        props.failureQueue.metricApproximateNumberOfMessagesVisible({
          period: fiveMinutes,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        1,
      ),
      // A storage fault makes the handler answer 503 without throwing: Errors stays at 0, the
      // Function URL's own 5xx count does not.
      atLeast(
        'ServeUrl5xx',
        'The permalink function answers 5xx (S3 unreachable or denied, timeouts, throttling): readers see error pages.',
        props.serveFunction.metric('Url5xxCount', sum),
        5,
      ),
      atLeast(
        'ServeErrors',
        'The permalink function is failing (readers see 5xx on article pages).',
        props.serveFunction.metricErrors(sum),
        5,
      ),
      // The reserved-concurrency cap at work: cache-busting traffic, or a cap set too low.
      atLeast(
        'ServeThrottles',
        'The permalink function is throttled at its reserved concurrency: readers get 429/503 for uncached pages.',
        props.serveFunction.metricThrottles(sum),
        5,
      ),
    ];
    // Logical ids from before this construct existed: an alarm's history survives the move.
    const firstIds: Record<string, string> = {
      BuildErrors: 'BuildErrors4C5AC4E6',
      BuildFailuresWaiting: 'BuildFailuresWaitingB3E0AF09',
      ServeErrors: 'ServeErrorsFFAA886C',
    };
    for (const alarm of alarms) {
      const first = firstIds[alarm.node.id];
      if (first !== undefined) keepLogicalId(alarm, first);
    }
    return alarms;
  }

  private createDashboard(props: PublisherMonitoringProps): cloudwatch.Dashboard {
    const custom = (service: string, metricName: string, statistic: string, label: string) =>
      new cloudwatch.Metric({
        namespace: metricsNamespace,
        metricName,
        dimensionsMap: { service },
        statistic,
        period: fiveMinutes,
        label,
      });
    const build = (name: string, label: string, statistic: string = cloudwatch.Stats.SUM) =>
      custom(serviceNames.build, name, statistic, label);
    // Rejections carry their error code as a dimension; a search lists whichever codes occurred.
    const rejectedByCode = new cloudwatch.MathExpression({
      expression: `SEARCH('{${metricsNamespace},${rejectionCodeDimension},service} MetricName="${buildMetrics.uploadsRejected}" service="${serviceNames.build}"', 'Sum', 300)`,
      label: 'rejected',
      period: fiveMinutes,
    });
    const responses = statusClasses.map(
      (statusClass) =>
        new cloudwatch.Metric({
          namespace: metricsNamespace,
          metricName: serveMetrics.responses,
          dimensionsMap: { service: serviceNames.serve, [statusClassDimension]: statusClass },
          statistic: cloudwatch.Stats.SUM,
          period: fiveMinutes,
          label: statusClass,
        }),
    );
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 8, height: 6 });
    const sum = { period: fiveMinutes, statistic: cloudwatch.Stats.SUM };

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(2),
    });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '# Quzhou Daily publisher\nUploads → build function → site bucket → CloudFront; permalinks from the serve function. ' +
          'A rejected page also notifies the desk topic; runbook: docs/infrastructure.md.',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }),
    );
    dashboard.addWidgets(
      graph(
        'Uploads',
        [
          build(buildMetrics.uploadsPublished, 'published'),
          build(buildMetrics.uploadsUnchanged, 'unchanged'),
          build(buildMetrics.uploadsRetracted, 'retracted'),
        ],
        [rejectedByCode],
      ),
      graph('Articles', [
        build(buildMetrics.articlesPublished, 'published'),
        build(buildMetrics.articlesRetracted, 'retracted'),
      ]),
      graph('Publish duration (ms)', [
        build(buildMetrics.publishDuration, 'p50', cloudwatch.Stats.p(50)),
        build(buildMetrics.publishDuration, 'p90', cloudwatch.Stats.p(90)),
        build(buildMetrics.publishDuration, 'max', cloudwatch.Stats.MAXIMUM),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'Writes',
        [build(buildMetrics.feedBytesWritten, 'feed bytes written')],
        [build(buildMetrics.conditionalWriteRetries, 'conditional-write retries')],
      ),
      graph(
        'Build function',
        [props.buildFunction.metricInvocations(sum), props.buildFunction.metricErrors(sum)],
        [
          props.failureQueue.metricApproximateNumberOfMessagesVisible({
            period: fiveMinutes,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'failure queue',
          }),
        ],
      ),
      graph('Permalink responses by status class', responses),
    );
    dashboard.addWidgets(
      graph(
        'Permalink function',
        [
          props.serveFunction.metric('Url5xxCount', { ...sum, label: 'URL 5xx' }),
          props.serveFunction.metricErrors(sum),
          props.serveFunction.metricThrottles(sum),
        ],
        [props.serveFunction.metricDuration({ period: fiveMinutes, statistic: cloudwatch.Stats.p(90) })],
      ),
      graph('Concurrency', [
        props.serveFunction.metric('ConcurrentExecutions', {
          period: fiveMinutes,
          statistic: cloudwatch.Stats.MAXIMUM,
          label: 'serve',
        }),
        props.buildFunction.metric('ConcurrentExecutions', {
          period: fiveMinutes,
          statistic: cloudwatch.Stats.MAXIMUM,
          label: 'build',
        }),
      ]),
    );
    return dashboard;
  }
}
