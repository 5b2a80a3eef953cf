import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { metricsNamespace } from '../../shared/operations/metric-names.ts';
import { keepLogicalId } from './stable-logical-id.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const lockFile = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

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

/**
 * Bundling for a function that loads native modules (sharp's libvips). `bundling.nodeModules`
 * would run `npm install` for the machine that synthesizes (x64 here and in CI), and the arm64
 * function would fail with "Could not load the sharp module using the linux-arm64 runtime".
 * Instead the modules stay external to esbuild, and after bundling npm installs them into the
 * asset folder for the function's platform: `--os=linux --cpu=arm64 --libc=glibc` (the Lambda
 * runtimes are Amazon Linux, glibc; a musl build would not load). This needs the npm registry
 * at synth time. test/infra/synth.test.ts asserts the asset holds the arm64 binary and no x64.
 */
export const nativeModuleBundling = (modules: Record<string, string>): nodejs.BundlingOptions => {
  const specs = Object.entries(modules).map(([name, version]) => `${name}@${version}`);
  return {
    ...bundling,
    externalModules: [...(bundling.externalModules ?? []), ...Object.keys(modules)],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir, outputDir) => [
        `npm install --prefix "${outputDir}" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --os=linux --cpu=arm64 --libc=glibc ${specs.join(' ')}`,
      ],
    },
  };
};

/** Properties of {@link PublisherFunction}. */
export interface PublisherFunctionProps {
  /** Handler file (exports `handler`). */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  logRetention: logs.RetentionDays;
  /** Logical id the log group was first deployed with (it is retained: a new id orphans it). */
  logGroupLogicalId: string;
  /** Powertools service name: the `service` key of log lines and dimension of metrics. */
  serviceName: string;
  /** POWERTOOLS_LOG_LEVEL. */
  logLevel: string;
  environment: Record<string, string>;
  reservedConcurrentExecutions?: number | undefined;
  /**
   * Native modules (name → exact version) left out of the esbuild bundle and installed into the
   * asset for linux-arm64 with glibc (see {@link nativeModuleBundling}).
   */
  nativeModules?: Record<string, string>;
  /** For asynchronous invocations (S3 events): retries, event age, where failures go. */
  async?: Pick<lambda.FunctionProps, 'retryAttempts' | 'maxEventAge' | 'onFailure'>;
}

/**
 * A function of this publisher: its own log group, a role that may write only there (no AWS
 * managed policy), and a `NodejsFunction` with the shared bundling, Node.js 24 on arm64 and the
 * Powertools settings. Access to buckets is added with {@link grantObjects} and
 * {@link allowNotFound}, each statement narrow and acknowledged for cdk-nag where it must be.
 */
export class PublisherFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PublisherFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    keepLogicalId(this.logGroup, props.logGroupLogicalId);

    // Replaces the default role, whose AWSLambdaBasicExecutionRole may write to every log group.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    // 'Default' keeps the function's logical id what it was before this construct existed.
    this.function = new nodejs.NodejsFunction(this, 'Default', {
      description: props.description,
      entry: props.entry,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: lockFile,
      // Node.js 24: current LTS line and what cdk-nag's L1 expects. Node 24 dropped callback-style
      // handlers; ours are async.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      bundling: props.nativeModules ? nativeModuleBundling(props.nativeModules) : bundling,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      ...props.async,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        ...props.environment,
      },
    });
  }

  /**
   * Object actions on key patterns of one bucket, in one statement (no grant helper: grantRead
   * would add the whole bucket). cdk-nag reports every `prefix/*` ARN as a wildcard; these are
   * the narrowest resources S3 allows for dated, unbounded keys, so each is acknowledged by name:
   * a new wildcard added later still fails the synth.
   */
  grantObjects(bucket: s3.Bucket, actions: string[], patterns: readonly string[], what: string): void {
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions,
        resources: patterns.map((pattern) => bucket.arnForObjects(pattern)),
      }),
    );
    const bucketId = Stack.of(this).resolve((bucket.node.defaultChild as s3.CfnBucket).logicalId) as string;
    // `*.txt` (root text files such as robots.txt) is a wildcard too, not only `prefix/*`.
    const wildcards = patterns.filter((pattern) => pattern.includes('*'));
    if (wildcards.length === 0) return;
    Validations.of(this.role).acknowledge(
      ...wildcards.map((pattern) => ({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${pattern}]`,
        reason: `The function ${what} under the ${pattern} key pattern only; object keys are dated and unbounded, so a pattern is the narrowest resource.`,
      })),
    );
  }

  /**
   * s3:ListBucket on the whole bucket (no object access). Without it S3 answers 403 instead of
   * 404 for a missing key, and the store port could not tell "absent" (first upload of a date,
   * unknown article) from "forbidden". AWS documents only "ListBucket → 404" (GetObject API
   * reference, Permissions); nothing documents that an `s3:prefix` condition counts for a
   * single-object read, so there is none: the role may enumerate key names, never read what it
   * was not granted.
   */
  allowNotFound(bucket: s3.IBucket): void {
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
  }
}
